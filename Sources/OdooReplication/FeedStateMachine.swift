/// The replication feed's decisions, as a value type with no I/O: which step comes next (snapshot, resync,
/// stream, wait), how long to back off, when a silent connection counts as stalled, and what each failure means
/// for the phase that `/readyz`, `/v1/status` and the metrics report.
///
/// ``ReplicationFeed`` is the driver: it performs the step this machine returns, then reports the outcome as an
/// event (``streamStarted()``, ``progressed()``, ``failed(_:)``, ``resyncSucceeded()``), in the style of
/// postgres-nio's connection state machines. Every transition is unit-tested without PostgreSQL.
struct FeedStateMachine: Sendable, Equatable {
    /// What the driver does next.
    enum Step: Sendable, Equatable {
        /// Take the initial snapshot into the (empty or incomplete) store.
        case snapshot
        /// Rebuild the store from a fresh snapshot beside the serving one, then swap.
        case resync
        /// Connect, check the slot against the store, and stream.
        case stream
        /// Wait this long (backing off), then ask again.
        case wait(milliseconds: Int)
        /// Stop: a stop was requested.
        case stop
    }

    /// A failure the driver reports.
    enum Failure: Sendable, Equatable {
        /// The connection failed, was refused, ended, or went silent (stalled).
        case connection(String)
        /// The slot is missing or invalidated (`wal_status = lost`).
        case slotLost(String)
        /// The slot has confirmed a position past what the store holds: streaming would skip the difference.
        case storeBehindSlot(String)
        /// A mirrored table's relation cannot be mapped (a required column missing or renamed).
        case schemaMismatch(String)
        /// A commit to the store failed; memory goes back to what is durable.
        case storeWrite(String)
        /// A resync attempt failed; the request stays pending and the old figures keep serving.
        case resyncFailed(String)
        /// The initial snapshot failed; the store has no figures yet.
        case snapshotFailed(String)

        /// The text reported as the feed's last error.
        var message: String {
            switch self {
            case .connection(let text), .slotLost(let text), .storeBehindSlot(let text), .schemaMismatch(let text), .storeWrite(let text),
                .resyncFailed(let text), .snapshotFailed(let text):
                text
            }
        }
    }

    /// Timing and policy.
    struct Policy: Sendable, Equatable {
        /// The first backoff delay; it doubles after each failure without progress.
        var initialBackoffMilliseconds: Int
        /// The longest backoff delay.
        var maxBackoffMilliseconds: Int
        /// How often a lost slot is looked at again (it cannot heal by itself; this bounds the polling rate).
        var slotLostPollMilliseconds: Int
        /// Silence from the server longer than this while streaming counts as a stalled connection.
        var stallTimeoutMilliseconds: Int
        /// Whether a lost slot or a store behind its slot starts a resync by itself (old figures serve meanwhile).
        var autoResync: Bool
    }

    let policy: Policy
    /// The phase the feed reports.
    private(set) var phase: FeedStatus.Phase = .starting
    /// The delay the next failure without progress waits (before jitter).
    private(set) var backoffMilliseconds: Int
    /// Whether a resync was asked for and has not yet been swapped in.
    private(set) var resyncPending = false
    /// Whether a stop was asked for.
    private(set) var stopRequested = false
    /// Whether the store holds figures (restored or snapshotted): a resync then serves the old ones meanwhile.
    private var hasFigures: Bool

    /// Creates the machine for a store that does or does not hold figures yet.
    init(policy: Policy, hasFigures: Bool) {
        self.policy = policy
        self.hasFigures = hasFigures
        backoffMilliseconds = policy.initialBackoffMilliseconds
    }

    /// The next step, given whether the store holds a complete snapshot.
    mutating func nextStep(storeIsComplete: Bool) -> Step {
        if stopRequested { return .stop }
        if resyncPending && hasFigures && storeIsComplete {
            phase = .resyncing
            return .resync
        }
        if !storeIsComplete || !hasFigures {
            phase = .snapshotting
            return .snapshot
        }
        return .stream
    }

    /// An operator (SIGHUP, `stockd resync`) or the machine itself asked for a resync.
    mutating func requestResync() { resyncPending = true }

    /// A stop was asked for.
    mutating func requestStop() {
        stopRequested = true
    }

    /// The driver stopped.
    mutating func stopped() { phase = .stopped }

    /// `START_REPLICATION` succeeded. Not yet progress: a message that cannot be decoded at the restart point would
    /// otherwise reset the backoff on every attempt.
    mutating func streamStarted() { phase = .streaming }

    /// A transaction was applied, or the server confirmed a newer position: real progress; the backoff resets.
    mutating func progressed() { backoffMilliseconds = policy.initialBackoffMilliseconds }

    /// The initial snapshot was committed.
    mutating func snapshotSucceeded() {
        hasFigures = true
        resyncPending = false
        backoffMilliseconds = policy.initialBackoffMilliseconds
    }

    /// A resync was committed and swapped in.
    mutating func resyncSucceeded() {
        resyncPending = false
        hasFigures = true
        backoffMilliseconds = policy.initialBackoffMilliseconds
    }

    /// Whether a connection that has been silent for `silentMilliseconds` counts as stalled.
    func isStalled(silentMilliseconds: Int64) -> Bool { silentMilliseconds > Int64(policy.stallTimeoutMilliseconds) }

    /// A failure: the new phase, and how long to wait before the next step (before jitter).
    mutating func failed(_ failure: Failure) -> Step {
        if stopRequested { return .stop }
        switch failure {
        case .connection, .storeWrite:
            phase = .reconnecting
            return backOff()
        case .snapshotFailed:
            phase = .snapshotting
            return backOff()
        case .slotLost:
            phase = .slotLost
            if policy.autoResync && hasFigures {
                resyncPending = true
                return backOff()
            }
            return .wait(milliseconds: policy.slotLostPollMilliseconds)
        case .storeBehindSlot:
            phase = .storeBehindSlot
            // Streaming would skip the difference: the store must be rebuilt, whatever the policy.
            resyncPending = true
            return backOff()
        case .schemaMismatch:
            phase = .schemaMismatch
            return backOff()
        case .resyncFailed:
            phase = .resyncing
            return backOff()
        }
    }

    private mutating func backOff() -> Step {
        let delay = backoffMilliseconds
        backoffMilliseconds = min(policy.maxBackoffMilliseconds, backoffMilliseconds * 2)
        return .wait(milliseconds: delay)
    }
}
