import Foundation
import StockProjection
import Synchronization

/// Commits transactions the projection has already applied in memory to LMDB, on a thread of its own, in
/// groups, and reports how far the store is durable.
///
/// This takes the disk's sync latency off the path from COMMIT in PostgreSQL to visible in stockd: readers see a
/// transaction as soon as it is applied in memory (it is committed in PostgreSQL already), while the flush
/// position confirmed to PostgreSQL only ever covers what is on disk for certain (``synced``). If a commit fails,
/// the writer stops and reports the failure; the feed then reloads the projection from the store and resumes from
/// its checkpoint.
///
/// With `store.durability: full` every commit is synced, so ``synced`` follows ``durable``. With `no_sync` or
/// `no_meta_sync` a commit that returns may still be lost by the OS in a power cut, so the writer syncs the
/// environment (`mdb_env_sync`) every `syncInterval` while there are unsynced commits, and ``synced`` advances only
/// then: PostgreSQL is never told that a position is safe before it is.
final class StoreWriter: @unchecked Sendable {
    // @unchecked: every mutable property below is read and written only while `condition` is locked; the store
    // is Sendable, and `durablePosition` is atomic.
    private let condition = NSCondition()
    private let store: any ReplicaStore
    private var queue: [SourceTransaction] = []
    private var queuedChanges: ChangeLogSlice?
    private var queuedOutbox = OutboxBatch()
    private var writing = false
    private var stopping = false
    private var failure: (any Error)?
    private var finished = false
    private let maxQueued: Int
    private let onCommit: @Sendable (_ transactions: Int, _ checkpoint: Checkpoint, _ outbox: [OutboxRecord]) -> Void
    private let durablePosition: Atomic<UInt64>
    private let syncedPosition: Atomic<UInt64>
    private let syncInterval: Duration
    private let commitsAreSynced: Bool

    /// Starts the writer's thread.
    ///
    /// - Parameters:
    ///   - store: Where to commit.
    ///   - durable: The store's checkpoint now.
    ///   - maxQueued: How many transactions may wait before ``enqueue(_:changes:)`` blocks (backpressure).
    ///   - syncInterval: With a durability other than `full`, how long commits may stay unsynced.
    ///   - onCommit: Called after each LMDB commit, on the writer's thread, with the outbox records it committed.
    init(
        store: any ReplicaStore,
        durable: UInt64,
        maxQueued: Int = 50_000,
        syncInterval: Duration = .seconds(1),
        onCommit: @escaping @Sendable (Int, Checkpoint, [OutboxRecord]) -> Void
    ) {
        self.store = store
        self.maxQueued = max(1, maxQueued)
        self.onCommit = onCommit
        self.syncInterval = syncInterval
        commitsAreSynced = store.syncsEveryCommit
        durablePosition = Atomic(durable)
        // What the store held when the writer started was read back from disk or synced by the last writer's finish.
        syncedPosition = Atomic(durable)
        let thread = Thread { [self] in run() }
        thread.name = "stockd-store-writer"
        thread.start()
    }

    /// The checkpoint position LMDB has committed.
    var durable: UInt64 { durablePosition.load(ordering: .acquiring) }

    /// The checkpoint position that is on disk for certain: what may be confirmed to PostgreSQL.
    var synced: UInt64 { syncedPosition.load(ordering: .acquiring) }

    /// Whether nothing is waiting or being written.
    var isIdle: Bool {
        condition.lock()
        defer { condition.unlock() }
        return queue.isEmpty && !writing
    }

    /// Queues applied transactions for the store.
    ///
    /// - Parameters:
    ///   - changes: The change-log entries they produced, and the log's bounds after them.
    ///   - outbox: The outbox records they produced (stock events), committed with them.
    /// - Throws: The error of an earlier failed commit.
    func enqueue(_ transactions: [SourceTransaction], changes: ChangeLogSlice, outbox: OutboxBatch = OutboxBatch()) throws {
        guard !transactions.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= maxQueued && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue += transactions
        queuedOutbox.append(outbox)
        queuedChanges = queuedChanges.map { $0.merged(with: changes) } ?? changes
        condition.broadcast()
    }

    /// Commits what is queued, stops the thread and waits for it.
    ///
    /// - Throws: The error of a failed commit.
    func finish() throws {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    private func run() {
        var lastSync = ContinuousClock.now
        var unsynced = false
        while true {
            condition.lock()
            while queue.isEmpty && !stopping {
                if unsynced {
                    let due = lastSync + syncInterval
                    if ContinuousClock.now >= due { break }
                    let remaining = (due - ContinuousClock.now).components
                    _ = condition.wait(until: Date().addingTimeInterval(Double(remaining.seconds) + Double(remaining.attoseconds) / 1e18))
                } else {
                    condition.wait()
                }
            }
            if queue.isEmpty {
                let isStopping = stopping
                condition.unlock()
                if unsynced {
                    // Due (idle) or stopping: put what is committed on disk, then confirmations may cover it.
                    let position = durable
                    do {
                        try store.sync()
                        syncedPosition.store(position, ordering: .releasing)
                        unsynced = false
                        lastSync = ContinuousClock.now
                    } catch {
                        fail(error)
                        return
                    }
                    if !isStopping { continue }
                }
                condition.lock()
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue
            let changes = queuedChanges ?? .empty(epoch: 0)
            queuedChanges = nil
            let outbox = queuedOutbox
            queuedOutbox = OutboxBatch()
            queue.removeAll(keepingCapacity: true)
            writing = true
            condition.broadcast()
            condition.unlock()

            let checkpoint = batch[batch.count - 1].checkpoint
            do {
                try store.persist(batch, checkpoint: checkpoint, changes: changes, outbox: outbox)
                durablePosition.store(checkpoint.position, ordering: .releasing)
                if commitsAreSynced {
                    syncedPosition.store(checkpoint.position, ordering: .releasing)
                } else if ContinuousClock.now - lastSync >= syncInterval {
                    try store.sync()
                    syncedPosition.store(checkpoint.position, ordering: .releasing)
                    unsynced = false
                    lastSync = ContinuousClock.now
                } else {
                    unsynced = true
                }
                onCommit(batch.count, checkpoint, outbox.records)
            } catch {
                fail(error)
                return
            }
            condition.lock()
            writing = false
            condition.broadcast()
            condition.unlock()
        }
    }
}

extension StoreWriter {
    /// Records a failed commit or sync and ends the thread.
    private func fail(_ error: any Error) {
        condition.lock()
        failure = error
        writing = false
        finished = true
        queue.removeAll()
        queuedOutbox = OutboxBatch()
        condition.broadcast()
        condition.unlock()
    }
}

/// A commit to the store failed; the projection must be reloaded from the store before streaming again.
struct StoreWriteFailure: Error, CustomStringConvertible {
    var underlying: any Error
    var description: String { "store commit failed: \(underlying)" }
}
