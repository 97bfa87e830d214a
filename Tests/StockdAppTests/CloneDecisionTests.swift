import Testing

@testable import StockdApp

/// The pure decisions of `stockd clone`: a copy is intact only with the announced size and SHA-256, and usable only
/// when it covers the new slot's consistent point.
@Suite struct CloneDecisionTests {
    @Test(arguments: [(100, 99, CloneDecision.Verdict.usable), (100, 100, .usable), (100, 101, .peerBehind)])
    func aCopyMustCoverTheSlotsConsistentPoint(covered: UInt64, point: UInt64, verdict: CloneDecision.Verdict) {
        #expect(CloneDecision.verdict(consistentPoint: point, covered: covered) == verdict)
    }

    @Test func aChecksumThatDiffersIsRefused() {
        #expect(throws: CloneError.checksumMismatch(expected: "ab", computed: "cd")) {
            try CloneDecision.verify(expectedBytes: 3, receivedBytes: 3, expectedSHA256: "ab", computedSHA256: "cd")
        }
        #expect(throws: Never.self) { try CloneDecision.verify(expectedBytes: 3, receivedBytes: 3, expectedSHA256: "AB", computedSHA256: "ab") }
    }

    @Test func aShortDownloadIsRefusedBeforeItsChecksum() {
        #expect(throws: CloneError.truncated(expected: 10, received: 4)) {
            try CloneDecision.verify(expectedBytes: 10, receivedBytes: 4, expectedSHA256: "ab", computedSHA256: "cd")
        }
    }

    @Test func theRefusalNamesBothPositions() {
        let text = CloneError.peerBehind(checkpoint: "0/10", covered: "0/18", consistentPoint: "0/20", slot: "stockd_b").description
        #expect(text.hasPrefix("peer too far behind"))
        #expect(text.contains("0/10") && text.contains("0/20") && text.contains("stockd_b"))
    }
}
