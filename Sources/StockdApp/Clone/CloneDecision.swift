/// The pure decisions of `stockd clone`: is the copy intact, and does it reach the new slot's consistent point.
public enum CloneDecision {
    /// What the peer's copy can be used for.
    public enum Verdict: Equatable, Sendable {
        /// The copy covers the slot's consistent point: streaming from its checkpoint on the new slot skips nothing.
        case usable
        /// The copy ends before the slot's consistent point: the transactions between them would never reach the
        /// new instance (the slot does not stream what committed before it existed).
        case peerBehind
    }

    /// Whether a copy covering up to `covered` can follow a slot whose consistent point is `consistentPoint`.
    ///
    /// - Parameters:
    ///   - consistentPoint: The new slot's consistent point: it streams every transaction committing after it.
    ///   - covered: The highest position the copy covers (its checkpoint, or a later one its instance confirmed
    ///     while idle).
    public static func verdict(consistentPoint: UInt64, covered: UInt64) -> Verdict {
        covered >= consistentPoint ? .usable : .peerBehind
    }

    /// Checks a downloaded copy against what the peer announced.
    ///
    /// - Throws: ``CloneError/truncated(expected:received:)`` when the sizes differ,
    ///   ``CloneError/checksumMismatch(expected:computed:)`` when the SHA-256s differ (compared case-insensitively).
    public static func verify(expectedBytes: Int, receivedBytes: Int, expectedSHA256: String, computedSHA256: String) throws(CloneError) {
        guard expectedBytes == receivedBytes else { throw .truncated(expected: expectedBytes, received: receivedBytes) }
        guard expectedSHA256.lowercased() == computedSHA256.lowercased() else {
            throw .checksumMismatch(expected: expectedSHA256, computed: computedSHA256)
        }
    }
}
