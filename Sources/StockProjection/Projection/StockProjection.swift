import Synchronization

/// The live projection of stock: one writer applies source transactions; any number of readers take
/// snapshots and never wait for the writer.
///
/// The writer applies a group of transactions to a private copy of the state (copies share storage, so this
/// costs what the changes touch) and publishes the copy as the new snapshot with a pointer swap. A reader
/// therefore sees every transaction whole or not at all.
///
/// A reader may see state that is not durable yet. ``apply(_:persistingTo:)`` persists a group through a
/// ``ProjectionStore`` before it publishes, but the live feed publishes each transaction as soon as it is applied
/// in memory (it is already committed in PostgreSQL) and lets the store catch up behind it; PostgreSQL is only
/// told a position is flushed once the store has committed it, so a crash replays what readers saw but the store
/// did not yet hold.
public final class StockProjection: Sendable {
    /// The published snapshot. The lock guards a pointer swap only: readers hold it for a retain.
    private let published: Mutex<ProjectionSnapshot>
    /// Serialises writers (ingest, settings changes); readers never take it.
    private let writerLock = Mutex(())
    /// Evaluates each applied transaction (stock events); read under the writer lock.
    private let observer = Mutex<(any TransactionObserver)?>(nil)
    /// Whether the observer prepares "before" figures for transactions of quants and moves (the default), or always
    /// gets the whole state before each transaction (tests compare the two).
    let foreseesObservedChanges: Bool

    /// Creates a projection from a state, such as one restored from storage.
    public convenience init(state: ProjectionState = ProjectionState()) {
        self.init(state: state, foreseeingObservedChanges: true)
    }

    init(state: ProjectionState, foreseeingObservedChanges: Bool) {
        foreseesObservedChanges = foreseeingObservedChanges
        var state = state
        state.refreshLocationIndexIfNeeded()
        state.refreshKitsIfNeeded(recordingChanges: false)
        published = Mutex(ProjectionSnapshot(state: state))
    }

    /// The latest published snapshot.
    ///
    /// - Complexity: O(1); takes a lock for the duration of a retain, never for the writer's work.
    public func snapshot() -> ProjectionSnapshot {
        published.withLock { $0 }
    }

    /// What ``apply(_:persistingTo:)`` did.
    public struct ApplyReport: Sendable {
        /// Transactions applied.
        public var applied = 0
        /// Transactions skipped because they were at or below the checkpoint already applied.
        public var skipped = 0
        /// Row changes applied.
        public var rowChanges = 0
        /// Rows that could not be applied as given (logged and counted by the caller).
        public var anomalies: [ApplyAnomaly] = []
        /// The checkpoint now published.
        public var checkpoint: Checkpoint?
        /// Kits whose definition changed in these transactions and that cannot be computed (log and count them).
        public var kitProblems: [KitDefinition] = []
        /// What the transaction observer returned for these transactions, in commit order (empty without one).
        public var outbox = OutboxBatch()
    }

    /// Sets (or removes, with `nil`) the observer called for every transaction applied from now on.
    public func setTransactionObserver(_ newObserver: (any TransactionObserver)?) {
        writerLock.withLock { _ in observer.withLock { $0 = newObserver } }
    }

    /// Applies a group of source transactions atomically, persists them, and publishes the result.
    ///
    /// Transactions at or below the current checkpoint are skipped, so a replay after a restart applies each
    /// transaction exactly once. If `store` throws, nothing is published and the projection stays as it was.
    ///
    /// - Parameters:
    ///   - transactions: Transactions in commit order.
    ///   - store: Where to persist them before publishing, or `nil` for a memory-only projection.
    /// - Returns: A report of what was applied.
    /// - Throws: Whatever `store` throws.
    @discardableResult
    public func apply(_ transactions: [SourceTransaction], persistingTo store: (any ProjectionStore)? = nil) throws -> ApplyReport {
        try writerLock.withLock { _ in
            var state = snapshot().state
            let changesFrom = state.changeLog.nextPosition
            var report = ApplyReport()
            var accepted: [SourceTransaction] = []
            accepted.reserveCapacity(transactions.count)
            let observer = observer.withLock { $0 }
            // The snapshot between two observed transactions (see `ProjectionState.apply(_:observedBy:...)`).
            var boundary: ProjectionSnapshot?
            for transaction in transactions {
                if let current = state.checkpoint, transaction.checkpoint.position <= current.position {
                    report.skipped += 1
                    continue
                }
                if let observer {
                    report.outbox.append(
                        state.apply(
                            transaction, observedBy: observer, foreseeing: foreseesObservedChanges, boundary: &boundary,
                            anomalies: &report.anomalies, kitProblems: &report.kitProblems))
                } else {
                    for change in transaction.changes {
                        if let anomaly = state.apply(change, recordingChanges: true) { report.anomalies.append(anomaly) }
                    }
                }
                report.rowChanges += transaction.changes.count
                report.applied += 1
                state.checkpoint = transaction.checkpoint
                accepted.append(transaction)
            }
            boundary = nil
            guard let checkpoint = accepted.last?.checkpoint else {
                report.checkpoint = state.checkpoint
                return report
            }
            state.refreshLocationIndexIfNeeded()
            report.kitProblems = state.refreshKitsIfNeeded(recordingChanges: true)
            try store?.persist(accepted, checkpoint: checkpoint, changes: state.changeLog.slice(from: changesFrom), outbox: report.outbox)
            var superseded = ProjectionSnapshot(state: state)
            published.withLock { swap(&$0, &superseded) }
            // The snapshot just replaced dies here, outside the lock, when no reader holds it: freeing the chunks this
            // group copied never holds up a reader taking a snapshot.
            _ = consume superseded
            report.checkpoint = checkpoint
            return report
        }
    }

    /// Replaces the whole state, as after an initial snapshot or a resync, and publishes it.
    ///
    /// The state must already be durable (its store committed); the settings of the current state are kept.
    public func replaceState(_ newState: ProjectionState) {
        writerLock.withLock { _ in
            var state = newState
            state.replaceSettings(snapshot().state.settings)
            state.refreshKitsIfNeeded(recordingChanges: false)
            let snapshot = ProjectionSnapshot(state: state)
            published.withLock { $0 = snapshot }
        }
    }

    /// Starts a new change-log epoch and publishes it: every change-feed cursor handed out so far expires (`410`).
    ///
    /// For when the projection went back to an older durable state whose replay may number change entries
    /// differently (a restart after a crash, a failed store commit).
    ///
    /// - Returns: The new, empty log's bounds, for the store.
    @discardableResult
    public func startNewChangeEpoch() -> ChangeLogSlice {
        writerLock.withLock { _ in
            var state = snapshot().state
            state.startNewChangeEpoch()
            let snapshot = ProjectionSnapshot(state: state)
            published.withLock { $0 = snapshot }
            return state.changeLog.slice(from: state.changeLog.nextPosition)
        }
    }

    /// Replaces the settings (quarantine rules, safety stock) and publishes a snapshot computed with them.
    ///
    /// Takes effect for every read that starts afterwards; the data feed keeps running.
    public func updateSettings(_ settings: ProjectionSettings) {
        writerLock.withLock { _ in
            var state = snapshot().state
            state.replaceSettings(settings)
            let snapshot = ProjectionSnapshot(state: state)
            published.withLock { $0 = snapshot }
        }
    }
}
