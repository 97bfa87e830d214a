/// The replication feed's state as the HTTP API reports it.
///
/// Plain values, so the composition root can fill it from whatever feed it runs (PostgreSQL logical
/// replication, a static store, a test double).
public struct FeedHTTPStatus: Sendable, Hashable {
    /// The feed's phase, as text (`starting`, `snapshotting`, `streaming`, `reconnecting`, `slot_lost`, ...).
    public var phase: String
    /// Whether the store has been loaded (restored from disk or copied from the source) and can answer.
    ///
    /// While `false`, data endpoints answer 503 and `/readyz` fails.
    public var isLoaded: Bool
    /// The source commit time of the last applied transaction, in microseconds since 1970-01-01 UTC.
    public var lastCommitTimeMicros: Int64?
    /// The last applied position as text (the PostgreSQL LSN, `0/16B3748`).
    public var appliedLSN: String?
    /// WAL bytes the projection is behind the server (0 when caught up or unknown).
    public var lagBytes: UInt64
    /// How far the projection is behind the source, in milliseconds, when known.
    ///
    /// `/readyz` fails while this exceeds the configured bound; an unknown lag does not fail it.
    public var lagMilliseconds: Int64?
    /// The replication slot's state as text (`active`, `lost`, ...), when there is a slot.
    public var slotState: String?
    /// Source transactions applied since start.
    public var transactions: Int
    /// Source rows that could not be applied as given (logged, counted, skipped).
    public var unexpectedRows: Int
    /// The feed's last error, if it is retrying or stopped because of one.
    public var lastError: String?
    /// The source position up to which every transaction has been applied, when the feed knows more than the
    /// snapshot's checkpoint (the server's WAL end it confirmed with nothing left to apply); reads carrying
    /// `min_lsn` compare with the larger of the two. `nil` when unknown.
    public var consistentLSN: UInt64?
    /// A reason the server must not receive traffic even though the store is loaded (for example a lost
    /// slot that needs a resync); `/readyz` fails with it while it is set.
    public var notReadyReason: String?

    /// Creates a status.
    public init(
        phase: String,
        isLoaded: Bool,
        lastCommitTimeMicros: Int64? = nil,
        appliedLSN: String? = nil,
        lagBytes: UInt64 = 0,
        lagMilliseconds: Int64? = nil,
        slotState: String? = nil,
        transactions: Int = 0,
        unexpectedRows: Int = 0,
        lastError: String? = nil,
        notReadyReason: String? = nil
    ) {
        self.phase = phase
        self.isLoaded = isLoaded
        self.lastCommitTimeMicros = lastCommitTimeMicros
        self.appliedLSN = appliedLSN
        self.lagBytes = lagBytes
        self.lagMilliseconds = lagMilliseconds
        self.slotState = slotState
        self.transactions = transactions
        self.unexpectedRows = unexpectedRows
        self.lastError = lastError
        self.notReadyReason = notReadyReason
    }
}
