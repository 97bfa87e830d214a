import OdooReplication
import StockHTTP
import Testing

@testable import StockdApp

/// How the API reports the feed: old figures keep serving through a resync; readiness tells the truth.
struct FeedStatusAdapterTests {
    static func status(_ phase: FeedStatus.Phase) -> FeedStatus {
        var status = FeedStatus()
        status.phase = phase
        status.appliedLSN = 0x1_0000
        status.appliedCommitTime = 1_000_000
        status.serverWALEnd = 0x1_0000
        status.lastMessageTime = 1_000_000
        return status
    }

    /// During a resync the data endpoints answer from the old snapshot (loaded), while `/readyz` fails with the
    /// reason; before, the whole copy answered 503.
    @Test func aResyncServesTheOldFiguresAndIsNotReady() {
        let http = FeedStatusAdapter.httpStatus(of: Self.status(.resyncing), now: 1_500_000)
        #expect(http.isLoaded)
        #expect(http.phase == "resyncing")
        #expect(http.notReadyReason?.contains("resyncing") == true)
        #expect(http.lagMilliseconds == 500)
    }

    @Test(arguments: [FeedStatus.Phase.slotLost, .storeBehindSlot, .schemaMismatch, .resyncing, .stopped])
    func phasesWhereFiguresMayNotFollowTheSourceAreNotReady(phase: FeedStatus.Phase) {
        let http = FeedStatusAdapter.httpStatus(of: Self.status(phase), now: 1_000_000)
        #expect(http.isLoaded)
        #expect(http.notReadyReason != nil)
    }

    @Test(arguments: [FeedStatus.Phase.streaming, .reconnecting])
    func streamingAndReconnectingAreReadyWithinTheLagBound(phase: FeedStatus.Phase) {
        let http = FeedStatusAdapter.httpStatus(of: Self.status(phase), now: 1_000_000)
        #expect(http.isLoaded)
        #expect(http.notReadyReason == nil)
    }

    @Test func theFirstSnapshotIsNotLoaded() {
        var status = FeedStatus()
        status.phase = .snapshotting
        #expect(!FeedStatusAdapter.httpStatus(of: status, now: 0).isLoaded)
    }

    /// Rows that could not be applied make the figures they touch suspect: past the threshold, not ready.
    @Test func tooManyUnappliedRowsFailReadiness() {
        var status = Self.status(.streaming)
        status.unexpectedRows = 3
        #expect(FeedStatusAdapter.httpStatus(of: status, now: 1_000_000, maxUnexpectedRows: 3).notReadyReason == nil)
        status.unexpectedRows = 4
        let reason = FeedStatusAdapter.httpStatus(of: status, now: 1_000_000, maxUnexpectedRows: 3).notReadyReason
        #expect(reason?.contains("4 source rows could not be applied") == true)
        status.phase = .schemaMismatch
        let both = FeedStatusAdapter.httpStatus(of: status, now: 1_000_000, maxUnexpectedRows: 3).notReadyReason
        #expect(both?.contains("schema changed") == true && both?.contains("4 source rows") == true)
    }
}
