import AsyncHTTPClient
import Foundation
public import Logging
import Metrics
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import StockEvents
import StockProjection
import Synchronization

/// Delivers outbox events to webhook subscriptions: per subscription, in outbox order, at least once, signed
/// per Standard Webhooks; a swift-service-lifecycle `Service` that the composition root runs.
///
/// Each subscription has its own task and durable cursor (``WebhookStateKey/cursor(_:)``): it reads the outbox
/// after the cursor, skips events of rules it does not receive, and delivers each message (one event, or a
/// ``WebhookBatch`` for a subscription whose batch size is above 1) before the next, driving a
/// ``DeliveryStateMachine`` (retries, dead letters, `410`). The cursor is written after each read of the outbox and
/// whenever a dead letter is recorded, so a crash re-delivers at most one read's worth: receivers deduplicate by
/// event id.
///
/// What the subscriptions share, so that many cost little more than one: the outbox's newest records, read from
/// the store and decoded once for all of them (`OutboxWindow`), and the commits of their state, which go
/// together into one LMDB write transaction when they arrive together (`WebhookStateCommitter`).
///
/// An idle task waits on the registry's ``WebhookWakeUp``, which the writer notifies after each commit that adds
/// outbox events (and the admin API after each change); `pollInterval` is only the fallback. Once woken, and
/// after each read that reached the outbox's end, it waits `gatherInterval` before reading again, so that a
/// subscription following live reads what several commits added at once (fuller batches, fewer reads and
/// commits, for a few milliseconds of latency) even while the writer commits without pause; only a backlog
/// (a full read) is read on at once. While the writer catches up a backlog of WAL, the tasks let their
/// deliveries fall behind instead (one message per read, pauses growing to
/// ``DeliveryPolicy/maxBacklogPauseMilliseconds``) and read on at full speed when the writer goes idle or live:
/// ``DeliveryPacing`` decides when a task reads.
public final class WebhookDispatcher: Service {
    /// The subscriptions in force; read before each event, so changes through the admin API apply at once.
    public let registry: SubscriptionRegistry
    private let running = Mutex<Set<String>>([])
    private let policy: DeliveryPolicy
    private let store: any WebhookStore
    private let logger: Logger
    private let pollInterval: Duration
    private let gatherInterval: Duration
    private let batchSize: Int
    private let auditLimit: Int
    private let window: OutboxWindow
    private let committer: WebhookStateCommitter
    private let tally = DeliveryTally()

    /// Creates a dispatcher.
    ///
    /// - Parameters:
    ///   - registry: The subscriptions (their secrets must be valid); the dispatcher starts a task for each new one.
    ///   - policy: Retries and time-outs.
    ///   - store: The outbox and the dispatcher's state.
    ///   - logger: Where to log.
    ///   - pollInterval: How often an idle subscription looks for new events when nothing wakes it.
    ///   - gatherInterval: How long a woken subscription lets events gather before it reads them.
    ///   - batchSize: How many outbox records a subscription reads at a time (at least its own batch size; at
    ///     most that many are re-delivered after a crash).
    ///   - auditLimit: How many audit entries each subscription keeps.
    public init(
        registry: SubscriptionRegistry, policy: DeliveryPolicy, store: any WebhookStore, logger: Logger,
        pollInterval: Duration = .seconds(1), gatherInterval: Duration = .milliseconds(5), batchSize: Int = 256, auditLimit: Int = 1_000
    ) throws {
        for subscription in registry.all { _ = try WebhookSignature(secret: subscription.secret) }
        self.registry = registry
        self.policy = policy
        self.store = store
        self.logger = logger
        self.pollInterval = pollInterval
        self.gatherInterval = gatherInterval
        self.batchSize = max(1, batchSize)
        self.auditLimit = max(1, auditLimit)
        window = OutboxWindow(store: store, wakeUp: registry.wakeUp, maxAge: pollInterval)
        committer = WebhookStateCommitter(store: store)
    }

    public func run() async throws {
        var configuration = HTTPClient.Configuration(
            timeout: .init(
                connect: .milliseconds(policy.connectTimeoutMilliseconds), read: .milliseconds(policy.responseTimeoutMilliseconds)))
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let wake = registry.wakeUp.flag()
        defer { wake.close() }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                // Starts a task for each subscription without one: those of the file at once, those created
                // through the admin API when it wakes this loop. A task ends when its subscription is deleted.
                while !Task.isCancelled {
                    for subscription in self.registry.all where self.running.withLock({ $0.insert(subscription.id).inserted }) {
                        group.addTask {
                            await self.deliver(subscription.id, client: client)
                            self.running.withLock { _ = $0.remove(subscription.id) }
                        }
                    }
                    await wake.wait(timeout: self.pollInterval)
                }
            }
        }
        try await client.shutdown()
    }

    /// Messages delivered (answered with a 2xx) since the dispatcher was made, every subscription together.
    public var deliveredMessages: Int { tally.messages }

    /// Events delivered since the dispatcher was made (each event of a batch counts), every subscription together.
    public var deliveredEvents: Int { tally.events }

    /// Whether every live subscription has handled the whole outbox (its cursor at the newest record): what a
    /// benchmark waits for to see how long deliveries take to drain after an ingest.
    ///
    /// - Throws: The store's errors.
    public func liveSubscriptionsCaughtUp() throws -> Bool {
        for subscription in registry.all where subscription.mode == .live {
            guard try store.eventStateValue(WebhookStateKey.disabled(subscription.id)) == nil else { continue }
            let cursor = try store.eventStateValue(WebhookStateKey.cursor(subscription.id)).flatMap { OutboxKey(bytes: $0) }
            if try !store.outboxRecords(after: cursor, limit: 1).isEmpty { return false }
        }
        return true
    }

    private func deliver(_ id: String, client: HTTPClient) async {
        guard let subscription = registry.subscription(id)?.subscription else { return }
        // Made before the first read, so a commit between that read and the first wait is not missed.
        let wake = registry.wakeUp.flag()
        defer { wake.close() }
        var worker = SubscriptionWorker(
            subscription: subscription, registry: registry, policy: policy, store: store, window: window, committer: committer,
            tally: tally, logger: logger, client: client, auditLimit: auditLimit)
        var pacing = DeliveryPacing(
            gather: gatherInterval, maximum: .milliseconds(policy.maxBacklogPauseMilliseconds),
            backlogLag: .milliseconds(policy.backlogLagMilliseconds))
        var action = pacing.start()
        let clock = ContinuousClock()
        while !Task.isCancelled {
            do {
                switch action {
                case .read(let oneMessage):
                    guard let current = registry.subscription(id)?.subscription else { return }
                    try worker.update(current)
                    // A whole number of batches per read, so that a backlog goes out in full batches; one message
                    // while the writer is behind.
                    let size = current.batchSize
                    let limit = oneMessage ? size : (max(batchSize, size) + size - 1) / size * size
                    let read: DeliveryPacing.Read =
                        switch try await worker.step(readLimit: limit) {
                        case .idle: .idle
                        case .caughtUp: .caughtUp
                        case .more: .more
                        }
                    action = pacing.afterRead(read, writer: registry.wakeUp.writerActivity(now: clock.now))
                case .sleep(let duration):
                    let control = registry.controlGeneration
                    try await Task.sleep(for: duration)
                    action = pacing.slept(
                        writer: registry.wakeUp.writerActivity(now: clock.now), controlChanged: registry.controlGeneration != control)
                case .waitForWakeUp:
                    await wake.wait(timeout: pollInterval)
                    action = pacing.woken()
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("webhook delivery failed", metadata: ["webhook.subscription": "\(subscription.id)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                action = pacing.start()
            }
        }
    }
}
