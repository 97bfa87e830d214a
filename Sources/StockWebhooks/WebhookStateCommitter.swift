import Synchronization

/// Writes the subscriptions' state (cursors, audit entries, dead letters) with group commit: writes handed in
/// while a commit is under way go together into the next one, one LMDB write transaction for all of them.
///
/// Each subscription used to commit its own writes after each read of the outbox: with ten subscriptions woken by
/// the same commit of the writer, ten write transactions (and ten `fsync`s) competing with the writer for LMDB's
/// single write lock. Now the first caller commits what is queued; callers arriving meanwhile queue, and the one
/// committing takes their writes too before it returns. Every caller returns only once its own writes are
/// committed (or with the commit's error), so a subscription reads its own writes after the call, as before.
/// The writes of one call stay together and in order; calls from different subscriptions touch different keys.
package final class WebhookStateCommitter: Sendable {
    package typealias Write = (key: String, value: [UInt8]?)

    private struct Queued {
        var writes: [Write]
        var waiter: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Queued] = []
        var committing = false
    }

    private let store: any WebhookStore
    private let state = Mutex(State())
    private let commitCount = Atomic<Int>(0)

    /// Creates a committer writing to this store.
    package init(store: any WebhookStore) {
        self.store = store
    }

    /// How many callers wait for the next commit (for tests).
    package var waiting: Int { state.withLock { $0.queue.count } }

    /// How many write transactions it has committed.
    package var commits: Int { commitCount.load(ordering: .relaxed) }

    /// Writes (or deletes, with `nil`) these values, in one transaction with whatever other subscriptions hand in
    /// meanwhile; returns when they are committed.
    ///
    /// - Throws: The store's error (every write of that transaction failed).
    package func write(_ writes: [Write]) async throws {
        guard !writes.isEmpty else { return }
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let leads = state.withLock { state -> Bool in
                state.queue.append(Queued(writes: writes, waiter: waiter))
                if state.committing { return false }
                state.committing = true
                return true
            }
            if leads { commitQueued() }
        }
    }

    /// Commits what is queued, again and again until the queue is empty (the store call runs outside the lock).
    private func commitQueued() {
        while true {
            let batch = state.withLock { state -> [Queued] in
                let batch = state.queue
                state.queue.removeAll()
                if batch.isEmpty { state.committing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                try store.writeEventState(batch.count == 1 ? batch[0].writes : batch.flatMap(\.writes))
                commitCount.add(1, ordering: .relaxed)
                for queued in batch { queued.waiter.resume() }
            } catch {
                for queued in batch { queued.waiter.resume(throwing: error) }
            }
        }
    }
}
