import Foundation
public import StockProjection
import Synchronization

/// Wakes the webhook dispatcher's tasks when there may be something to do: the writer calls ``notify()`` after
/// each LMDB commit that adds outbox events, and the admin API after each change (a new subscription, a pause or
/// resume, a redelivery, a replay). The tasks still poll slowly as a fallback, but an event is not held back by
/// the poll interval.
///
/// A notification is never lost: each waiting task has a flag that ``notify()`` raises, and a task that was busy
/// when it came finds the flag raised at its next wait and goes on at once.
public final class WebhookWakeUp: Sendable {
    private let flags = Mutex<[Int: Flag]>([:])
    private let nextNumber = Atomic<Int>(0)
    private let notifications = Atomic<UInt64>(0)
    /// The writer's latest commit that added events: when it was notified, and how old its newest event was then.
    private let lastCommit = Mutex<(instant: ContinuousClock.Instant, lag: Duration)?>(nil)

    /// Creates a wake-up with no task waiting.
    public init() {}

    /// How many notifications there have been: a reader that saw the same number before and after a read of the
    /// outbox knows that no commit notified in between.
    public var generation: UInt64 { notifications.load(ordering: .acquiring) }

    /// Wakes every task (or makes its next wait return at once).
    public func notify() {
        notifications.add(1, ordering: .releasing)
        for flag in flags.withLock({ Array($0.values) }) { flag.raise() }
    }

    /// Wakes every task after a commit of the writer that added these outbox records, and remembers how far behind
    /// PostgreSQL that commit was (now minus the newest record's commit time), so that the subscriptions can let
    /// their deliveries fall behind while the writer catches up a backlog.
    ///
    /// - Parameter records: The records the commit added (nothing happens when empty).
    public func notify(committed records: [OutboxRecord]) {
        guard let newest = records.lazy.map(\.commitTime).max() else { return }
        if newest > 0 {
            let micros = Int64(Date().timeIntervalSince1970 * 1_000_000) - newest
            lastCommit.withLock { $0 = (ContinuousClock.now, .microseconds(max(0, micros))) }
        }
        notify()
    }

    /// The writer's latest commit that added events (through ``notify(committed:)``), or `nil` before the first.
    func writerActivity(now: ContinuousClock.Instant) -> DeliveryPacing.Writer? {
        lastCommit.withLock { $0 }.map { DeliveryPacing.Writer(lag: $0.lag, sinceCommit: now - $0.instant) }
    }

    /// A flag that ``notify()`` raises, for one task; ``Flag/close()`` it when the task ends.
    public func flag() -> Flag {
        let number = nextNumber.add(1, ordering: .relaxed).newValue
        let flag = Flag(number: number, owner: self)
        flags.withLock { $0[number] = flag }
        return flag
    }

    fileprivate func remove(_ number: Int) { _ = flags.withLock { $0.removeValue(forKey: number) } }

    /// One task's flag: raised by ``WebhookWakeUp/notify()``, lowered by ``wait(timeout:)``.
    public final class Flag: Sendable {
        private struct State {
            var raised = false
            var waiter: CheckedContinuation<Void, Never>?
        }

        private let state = Mutex(State())
        private let number: Int
        private let owner: WebhookWakeUp

        fileprivate init(number: Int, owner: WebhookWakeUp) {
            self.number = number
            self.owner = owner
        }

        /// Stops notifications to this flag.
        public func close() { owner.remove(number) }

        fileprivate func raise() {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiter {
                    state.waiter = nil
                    return waiter
                }
                state.raised = true
                return nil
            }
            waiter?.resume()
        }

        /// Returns when the flag is raised (lowering it), after `timeout` at the latest, or when the task is cancelled.
        public func wait(timeout: Duration) async {
            let raised = state.withLock { state in
                defer { state.raised = false }
                return state.raised
            }
            if raised { return }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.waitRaised() }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
            }
        }

        private func waitRaised() async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = state.withLock { state -> Bool in
                        if state.raised || Task.isCancelled {
                            state.raised = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }?.resume()
            }
        }
    }
}
