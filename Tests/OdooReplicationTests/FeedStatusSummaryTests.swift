import Testing

@testable import OdooReplication

/// What every request reads of the feed: the status without its sample buffers, and nothing else lost.
@Suite struct FeedStatusSummaryTests {
    static func busyStatus() -> FeedStatus {
        var status = FeedStatus()
        status.phase = .streaming
        status.appliedLSN = 0x1_0000_0040
        status.appliedCommitTime = 1_765_000_000_000_000
        status.durableLSN = 0x1_0000_0030
        status.syncedLSN = 0x1_0000_0020
        status.confirmedLSN = 0x1_0000_0010
        status.serverWALEnd = 0x1_0000_0100
        status.lastMessageTime = 1_765_000_000_500_000
        status.transactions = 12
        status.rowChanges = 34
        status.unexpectedRows = 2
        status.lastError = "connection reset"
        for sample in 0..<100 { status.freshness.record(microseconds: Int64(sample)) }
        status.sampleIfDue(now: 1_765_000_001_000_000)
        return status
    }

    @Test func keepsEveryCounterPositionAndTheLastErrorAndDropsTheBuffers() {
        let status = Self.busyStatus()
        let summary = status.withoutSampleBuffers
        #expect(status.freshness.count == 100 && status.history.latest != nil && !status.recentErrors.entries.isEmpty)
        #expect(summary.freshness.count == 0 && summary.freshness.capacity == status.freshness.capacity)
        #expect(summary.history.latest == nil && summary.recentErrors.entries.isEmpty)
        var expected = summary
        expected.freshness = status.freshness
        expected.history = status.history
        expected.recentErrors = status.recentErrors
        #expect(expected == status, "only the three buffers differ")
        let now: Int64 = 1_765_000_002_000_000
        #expect(summary.lagBytes == status.lagBytes && summary.lagMilliseconds(now: now) == status.lagMilliseconds(now: now))
        #expect(summary.appliedCheckpoint == status.appliedCheckpoint)
    }
}
