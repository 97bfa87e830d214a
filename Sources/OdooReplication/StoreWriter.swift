import Foundation
import StockProjection
import StockStorage
import Synchronization

/// Commits transactions the projection has already applied in memory to LMDB, on a thread of its own, in
/// groups, and reports how far the store is durable.
///
/// This takes the disk's sync latency off the path from COMMIT in PostgreSQL to visible in stockd: readers see a
/// transaction as soon as it is applied in memory (it is committed in PostgreSQL already), while the flush
/// position confirmed to PostgreSQL only ever covers what LMDB has committed. If a commit fails, the writer stops
/// and reports the failure; the feed then reloads the projection from the store and resumes from its checkpoint.
final class StoreWriter: @unchecked Sendable {
    // @unchecked: every mutable property below is read and written only while `condition` is locked; the store
    // is Sendable, and `durablePosition` is atomic.
    private let condition = NSCondition()
    private let store: LMDBProjectionStore
    private var queue: [SourceTransaction] = []
    private var queuedCursor: UInt64 = 0
    private var writing = false
    private var stopping = false
    private var failure: (any Error)?
    private var finished = false
    private let maxQueued: Int
    private let onCommit: @Sendable (_ transactions: Int, _ checkpoint: Checkpoint) -> Void
    private let durablePosition: Atomic<UInt64>

    /// Starts the writer's thread.
    ///
    /// - Parameters:
    ///   - store: Where to commit.
    ///   - durable: The store's checkpoint now.
    ///   - maxQueued: How many transactions may wait before ``enqueue(_:changeCursor:)`` blocks (backpressure).
    ///   - onCommit: Called after each LMDB commit.
    init(store: LMDBProjectionStore, durable: UInt64, maxQueued: Int = 50_000, onCommit: @escaping @Sendable (Int, Checkpoint) -> Void) {
        self.store = store
        self.maxQueued = max(1, maxQueued)
        self.onCommit = onCommit
        durablePosition = Atomic(durable)
        let thread = Thread { [self] in run() }
        thread.name = "stockd-store-writer"
        thread.start()
    }

    /// The checkpoint position LMDB has committed.
    var durable: UInt64 { durablePosition.load(ordering: .acquiring) }

    /// Whether nothing is waiting or being written.
    var isIdle: Bool {
        condition.lock()
        defer { condition.unlock() }
        return queue.isEmpty && !writing
    }

    /// Queues applied transactions for the store.
    ///
    /// - Parameter changeCursor: The change feed's position after the last of them.
    /// - Throws: The error of an earlier failed commit.
    func enqueue(_ transactions: [SourceTransaction], changeCursor: UInt64) throws {
        guard !transactions.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= maxQueued && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue += transactions
        queuedCursor = changeCursor
        condition.broadcast()
    }

    /// Waits until everything queued is committed.
    ///
    /// - Throws: The error of a failed commit.
    func drain() throws {
        condition.lock()
        defer { condition.unlock() }
        while (!queue.isEmpty || writing) && failure == nil { condition.wait() }
        if let failure { throw failure }
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
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue
            let cursor = queuedCursor
            queue.removeAll(keepingCapacity: true)
            writing = true
            condition.broadcast()
            condition.unlock()

            let checkpoint = batch[batch.count - 1].checkpoint
            do {
                try store.persist(batch, checkpoint: checkpoint, changeCursor: cursor)
                durablePosition.store(checkpoint.position, ordering: .releasing)
                onCommit(batch.count, checkpoint)
            } catch {
                condition.lock()
                failure = error
                writing = false
                finished = true
                queue.removeAll()
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.lock()
            writing = false
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// A commit to the store failed; the projection must be reloaded from the store before streaming again.
struct StoreWriteFailure: Error, CustomStringConvertible {
    var underlying: any Error
    var description: String { "store commit failed: \(underlying)" }
}
