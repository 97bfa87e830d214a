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
/// after the cursor, skips events of rules it does not receive, and delivers each event before the next, driving a
/// ``DeliveryStateMachine`` (retries, dead letters, `410`). The cursor is written after each batch and whenever a
/// dead letter is recorded, so a crash re-delivers at most one batch: receivers deduplicate by `webhook-id`.
public final class WebhookDispatcher: Service {
    /// The subscriptions in force; read before each event, so changes through the admin API apply at once.
    public let registry: SubscriptionRegistry
    private let running = Mutex<Set<String>>([])
    private let policy: DeliveryPolicy
    private let store: any WebhookStore
    private let logger: Logger
    private let pollInterval: Duration
    private let batchSize: Int
    private let auditLimit: Int

    /// Creates a dispatcher.
    ///
    /// - Parameters:
    ///   - registry: The subscriptions (their secrets must be valid); the dispatcher starts a task for each new one.
    ///   - policy: Retries and time-outs.
    ///   - store: The outbox and the dispatcher's state.
    ///   - logger: Where to log.
    ///   - pollInterval: How often an idle subscription looks for new events.
    ///   - batchSize: How many events a subscription reads at a time (and at most re-delivers after a crash).
    ///   - auditLimit: How many audit entries each subscription keeps.
    public init(
        registry: SubscriptionRegistry, policy: DeliveryPolicy, store: any WebhookStore, logger: Logger,
        pollInterval: Duration = .milliseconds(50), batchSize: Int = 256, auditLimit: Int = 1_000
    ) throws {
        for subscription in registry.all { _ = try WebhookSignature(secret: subscription.secret) }
        self.registry = registry
        self.policy = policy
        self.store = store
        self.logger = logger
        self.pollInterval = pollInterval
        self.batchSize = max(1, batchSize)
        self.auditLimit = max(1, auditLimit)
    }

    public func run() async throws {
        var configuration = HTTPClient.Configuration(
            timeout: .init(
                connect: .milliseconds(policy.connectTimeoutMilliseconds), read: .milliseconds(policy.responseTimeoutMilliseconds)))
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                // Starts a task for each subscription without one: those of the file at once, those created
                // through the admin API within a poll interval. A task ends when its subscription is deleted.
                while !Task.isCancelled {
                    for subscription in self.registry.all where self.running.withLock({ $0.insert(subscription.id).inserted }) {
                        group.addTask {
                            await self.deliver(subscription.id, client: client)
                            self.running.withLock { _ = $0.remove(subscription.id) }
                        }
                    }
                    try? await Task.sleep(for: self.pollInterval)
                }
            }
        }
        try await client.shutdown()
    }

    private func deliver(_ id: String, client: HTTPClient) async {
        guard let subscription = registry.subscription(id)?.subscription else { return }
        var worker = SubscriptionWorker(
            subscription: subscription, registry: registry, policy: policy, store: store, logger: logger, client: client,
            auditLimit: auditLimit)
        while !Task.isCancelled {
            do {
                guard let current = registry.subscription(id)?.subscription else { return }
                try worker.update(current)
                let busy = try await worker.step(batchSize: batchSize)
                if !busy { try await Task.sleep(for: pollInterval) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("webhook delivery failed", metadata: ["webhook.subscription": "\(subscription.id)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// One subscription's delivery loop state.
struct SubscriptionWorker {
    private(set) var subscription: WebhookSubscription
    /// Read between events, so that a pause (or any change) stops the batch in hand.
    let registry: SubscriptionRegistry
    let policy: DeliveryPolicy
    let store: any WebhookStore
    let logger: Logger
    let client: HTTPClient
    let auditLimit: Int
    private(set) var signature: WebhookSignature
    var cursor: OutboxKey?
    var cursorLoaded = false
    var auditCounter = 0
    let queueDepth: Gauge
    let deadLetters: Counter
    let clock = ContinuousClock()
    let origin = ContinuousClock.now

    init(
        subscription: WebhookSubscription, registry: SubscriptionRegistry, policy: DeliveryPolicy, store: any WebhookStore, logger: Logger,
        client: HTTPClient, auditLimit: Int
    ) {
        self.subscription = subscription
        self.registry = registry
        self.policy = policy
        self.store = store
        self.logger = logger
        self.client = client
        self.auditLimit = auditLimit
        signature = try! WebhookSignature(secret: subscription.secret)  // checked by WebhookDispatcher.init
        queueDepth = Gauge(label: "stockd_webhook_queue_depth", dimensions: [("subscription", subscription.id)])
        deadLetters = Counter(label: "stockd_webhook_dead_letters_total", dimensions: [("subscription", subscription.id)])
    }

    /// Takes the subscription as it stands now (mode, URL, secret and rules may have changed through the admin API).
    mutating func update(_ current: WebhookSubscription) throws {
        if current.secret != subscription.secret { signature = try WebhookSignature(secret: current.secret) }
        subscription = current
    }

    private var nowMilliseconds: Int64 {
        let elapsed = clock.now - origin
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// Handles the next batch; returns whether there was anything to do.
    mutating func step(batchSize: Int) async throws -> Bool {
        if !cursorLoaded {
            cursor = try store.eventStateValue(WebhookStateKey.cursor(subscription.id)).flatMap { OutboxKey(bytes: $0) }
            cursorLoaded = true
        }
        if let replay = try store.eventStateValue(WebhookStateKey.replay(subscription.id)) {
            // A replay asked for through the admin API: restart from there; the cursor and the request go together.
            cursor = OutboxKey(bytes: replay)
            var pending: [(key: String, value: [UInt8]?)] = [(WebhookStateKey.replay(subscription.id), nil)]
            if cursor == nil { pending.append((WebhookStateKey.cursor(subscription.id), nil)) }
            try flush(&pending)
        }
        guard subscription.mode != .paused else { return false }
        guard try store.eventStateValue(WebhookStateKey.disabled(subscription.id)) == nil else { return false }
        if subscription.mode == .live, try await redeliver() { return true }
        let records = try store.outboxRecords(after: cursor, limit: batchSize)
        queueDepth.record(records.count)
        guard !records.isEmpty else { return false }
        var pending: [(key: String, value: [UInt8]?)] = []
        for (offset, record) in records.enumerated() {
            try Task.checkCancellation()
            guard registry.subscription(subscription.id)?.subscription == subscription else {
                // Paused, changed or deleted through the admin API: stop here; the loop takes the change.
                break
            }
            let event = try? StockEvent.decode(record.payload)
            guard let event, subscription.accepts(rule: event.ruleID) else {
                cursor = record.key
                continue
            }
            if subscription.mode == .shadow {
                pending.append(audit(event.id, outcome: "shadow", attempt: 0))
                Counter(label: "stockd_webhook_deliveries_total", dimensions: [("subscription", subscription.id), ("outcome", "shadow")]).increment()
                cursor = record.key
                continue
            }
            let finished = try await deliver(record, eventID: event.id, audit: &pending, advancing: true)
            guard finished else {
                // Disabled: the cursor stays before this event.
                try flush(&pending)
                return true
            }
            cursor = record.key
            queueDepth.record(records.count - offset - 1)
        }
        try flush(&pending)
        return true
    }

    /// Delivers one event until it is delivered, dead-lettered or the subscription is disabled.
    ///
    /// - Returns: `false` when the subscription was disabled.
    private mutating func deliver(
        _ record: OutboxRecord, eventID: String, audit entries: inout [(key: String, value: [UInt8]?)], advancing: Bool
    ) async throws
        -> Bool
    {
        var machine = DeliveryStateMachine(policy: policy)
        var action = machine.start(now: nowMilliseconds)
        while true {
            switch action {
            case .send(let attempt):
                let started = clock.now
                let (outcome, snippet) = await send(record.payload, eventID: eventID)
                let elapsed = clock.now - started
                let latency = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                action = machine.received(outcome, now: nowMilliseconds, jitter: Double.random(in: 0..<1))
                let (label, status): (String, Int?) =
                    switch (outcome, action) {
                    case (_, .delivered): ("delivered", statusCode(outcome))
                    case (_, .disableSubscription): ("disabled", statusCode(outcome))
                    case (.status(let code, _), _) where (400..<500).contains(code) && code != 429 && code != 408: ("refused", code)
                    case (.status(let code, _), _): ("failed", code)
                    case (.timedOut, _): ("timeout", nil)
                    case (.failed, _): ("connection_failed", nil)
                    }
                Counter(label: "stockd_webhook_deliveries_total", dimensions: [("subscription", subscription.id), ("outcome", label)]).increment()
                entries.append(audit(eventID, outcome: label, attempt: attempt, status: status, latency: latency, error: snippet))
            case .wait(let milliseconds, _):
                try await Task.sleep(for: .milliseconds(milliseconds))
                action = machine.waited()
            case .delivered:
                return true
            case .deadLetter(let reason, let attempts):
                let letter = DeadLetter(
                    eventID: eventID, reason: reason, attempts: attempts, time: Date().timeIntervalSince1970,
                    event: String(decoding: record.payload, as: UTF8.self))
                entries.append((WebhookStateKey.deadLetters(subscription.id) + eventID, Array((try? JSONEncoder().encode(letter)) ?? Data())))
                entries.append(audit(eventID, outcome: "dead_letter", attempt: attempts, error: reason))
                deadLetters.increment()
                logger.warning(
                    "webhook dead letter", metadata: ["webhook.subscription": "\(subscription.id)", "event.id": "\(eventID)", "error": "\(reason)"])
                // The dead letter and the cursor past it are written together.
                if advancing { cursor = record.key }
                try flush(&entries)
                return true
            case .disableSubscription(let reason):
                entries.append((WebhookStateKey.disabled(subscription.id), Array(reason.utf8)))
                logger.error("webhook subscription disabled", metadata: ["webhook.subscription": "\(subscription.id)", "error": "\(reason)"])
                return false
            }
        }
    }

    /// Redelivers the dead letters queued through the admin API (``WebhookStateKey/redeliveries(_:)``), before new
    /// events; each that fails again goes back to the dead letters.
    ///
    /// - Returns: Whether there was any.
    private mutating func redeliver() async throws -> Bool {
        let queued = try store.eventStateValues(prefix: WebhookStateKey.redeliveries(subscription.id), limit: 64)
        guard !queued.isEmpty else { return false }
        for (key, value) in queued {
            try Task.checkCancellation()
            var pending: [(key: String, value: [UInt8]?)] = []
            guard let letter = try? JSONDecoder().decode(DeadLetter.self, from: Data(value)) else {
                pending.append((key, nil))
                try flush(&pending)
                continue
            }
            let record = OutboxRecord(key: OutboxKey(position: 0, index: 0), commitTime: 0, payload: Array(letter.event.utf8))
            let finished = try await deliver(record, eventID: letter.eventID, audit: &pending, advancing: false)
            guard finished else {
                // Disabled by a 410: the letter stays queued for when the subscription is resumed.
                try flush(&pending)
                return true
            }
            pending.append((key, nil))
            try flush(&pending)
        }
        return true
    }

    private func statusCode(_ outcome: DeliveryStateMachine.Outcome) -> Int? {
        if case .status(let code, _) = outcome { return code }
        return nil
    }

    /// One HTTP attempt.
    private func send(_ body: [UInt8], eventID: String) async -> (DeliveryStateMachine.Outcome, String?) {
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: subscription.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "stockd-webhooks")
        request.headers.add(name: "webhook-id", value: eventID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: signature.sign(id: eventID, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(policy.responseTimeoutMilliseconds))
            var snippet: [UInt8] = []
            for try await chunk in response.body where snippet.count < 256 {
                snippet += chunk.readableBytesView.prefix(256 - snippet.count)
            }
            let code = Int(response.status.code)
            let retryAfter = response.headers.first(name: "retry-after").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }.map { $0 * 1000 }
            let text = (200..<300).contains(code) || snippet.isEmpty ? nil : String(decoding: snippet, as: UTF8.self)
            return (.status(code, retryAfterMilliseconds: retryAfter), text)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return (.timedOut, "\(error)")
        } catch {
            return (.failed("\(error)"), "\(error)")
        }
    }

    private mutating func audit(
        _ eventID: String, outcome: String, attempt: Int, status: Int? = nil, latency: Int? = nil, error: String? = nil
    ) -> (key: String, value: [UInt8]?) {
        auditCounter += 1
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        let time = String(millis)
        let key =
            WebhookStateKey.audit(subscription.id) + String(repeating: "0", count: max(0, 13 - time.count)) + time + "-"
            + String(format: "%09d", auditCounter % 1_000_000_000)
        let entry = DeliveryAudit(
            time: Double(millis) / 1000, eventID: eventID, outcome: outcome, attempt: attempt, status: status, latencyMilliseconds: latency,
            error: error)
        return (key, entry.encoded())
    }

    /// Writes the cursor and pending state, and trims the audit log to its limit.
    private mutating func flush(_ pending: inout [(key: String, value: [UInt8]?)]) throws {
        if let cursor { pending.append((WebhookStateKey.cursor(subscription.id), cursor.bytes)) }
        let audits = try store.eventStateValues(prefix: WebhookStateKey.audit(subscription.id), limit: .max)
        let added = pending.filter { $0.key.hasPrefix(WebhookStateKey.audit(subscription.id)) }.count
        let excess = audits.count + added - auditLimit
        if excess > 0 {
            for entry in audits.prefix(excess) { pending.append((entry.key, nil)) }
        }
        try store.writeEventState(pending)
        pending.removeAll()
    }
}
