/// A position in the source's stream of transactions, saved with the data it covers.
///
/// For PostgreSQL this is the commit LSN of the last applied transaction. Positions only grow: a transaction
/// at or below the stored checkpoint has already been applied and is skipped, which makes replays harmless.
public struct Checkpoint: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The opaque, monotonic position (the PostgreSQL LSN as a 64-bit number).
    public var position: UInt64
    /// When the source committed that transaction, in microseconds since 1970-01-01 UTC, if known.
    public var commitTime: Int64?

    /// Creates a checkpoint.
    public init(position: UInt64, commitTime: Int64? = nil) {
        self.position = position
        self.commitTime = commitTime
    }

    public static func < (lhs: Checkpoint, rhs: Checkpoint) -> Bool { lhs.position < rhs.position }

    /// The position in PostgreSQL's `X/Y` LSN notation.
    public var description: String {
        String(position >> 32, radix: 16, uppercase: true) + "/" + String(position & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }
}
