import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import StockEvents
import StockProjection

/// One subscription's delivery loop state.
///
/// Per read of the outbox it hands one set of writes to the ``WebhookStateCommitter`` (the cursor, the audit
/// entries, the audit log's trim), plus one per dead-lettered message (the dead letters with the cursor past them);
/// the committer puts the writes of subscriptions that arrive together into one LMDB commit. The records come from
/// the shared ``OutboxWindow`` (read and decoded once for all subscriptions). The audit log's keys are read once and
/// then kept in memory, so trimming it to its limit costs no read; the replay request, the `410` disable and the
/// queued redeliveries are read again only after a change of control state (``SubscriptionRegistry/controlGeneration``).
struct SubscriptionWorker {
    /// What a step found.
    enum Progress: Equatable {
        /// Nothing to do (paused, disabled, or no new record).
        case idle
        /// It handled what there was and reached the outbox's end.
        case caughtUp
        /// It stopped with more to do (a full read, a redelivery, a change of the subscription).
        case more
    }

    private(set) var subscription: WebhookSubscription
    /// Read between messages, so that a pause (or any change) stops the read in hand.
    let registry: SubscriptionRegistry
    let policy: DeliveryPolicy
    let store: any WebhookStore
    let window: OutboxWindow
    let committer: WebhookStateCommitter
    let tally: DeliveryTally
    let logger: Logger
    let client: HTTPClient
    let auditLimit: Int
    private(set) var signature: WebhookSignature
    var cursor: OutboxKey?
    var cursorLoaded = false
    /// The registry's control generation when the control keys were last read (`nil`: never).
    var controlSeen: UInt64?
    /// Whether the subscription is disabled by a `410` (as last read, or as it wrote itself).
    var disabled = false
    /// Whether redeliveries may be queued (from the last change of control state until a look finds none).
    var redeliveriesPending = true
    let auditEncoder = JSONEncoder()
    var auditCounter = 0
    /// The audit log's keys, oldest first, from `auditHead` on (`nil` until first read from the store).
    var auditKeys: [String]?
    var auditHead = 0
    let queueDepth: Gauge
    let deadLetters: Counter
    /// `stockd_webhook_deliveries_total` by outcome, made once each (not per attempt).
    var deliveries: [String: Counter] = [:]
    let clock = ContinuousClock()
    let origin = ContinuousClock.now

    typealias Write = (key: String, value: [UInt8]?)

    init(
        subscription: WebhookSubscription, registry: SubscriptionRegistry, policy: DeliveryPolicy, store: any WebhookStore,
        window: OutboxWindow, committer: WebhookStateCommitter, tally: DeliveryTally, logger: Logger, client: HTTPClient, auditLimit: Int
    ) {
        self.subscription = subscription
        self.registry = registry
        self.policy = policy
        self.store = store
        self.window = window
        self.committer = committer
        self.tally = tally
        self.logger = logger
        self.client = client
        self.auditLimit = auditLimit
        signature = try! WebhookSignature(secret: subscription.secret)  // checked by WebhookDispatcher.init
        queueDepth = Gauge(label: "stockd_webhook_queue_depth", dimensions: [("subscription", subscription.id)])
        deadLetters = Counter(label: "stockd_webhook_dead_letters_total", dimensions: [("subscription", subscription.id)])
    }

    /// Takes the subscription as it stands now (mode, URL, secret, rules and batch size may have changed through
    /// the admin API).
    mutating func update(_ current: WebhookSubscription) throws {
        if current.secret != subscription.secret { signature = try WebhookSignature(secret: current.secret) }
        subscription = current
    }

    private var nowMilliseconds: Int64 {
        let elapsed = clock.now - origin
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// Handles the next read of the outbox (at most `readLimit` records).
    mutating func step(readLimit: Int) async throws -> Progress {
        if !cursorLoaded {
            cursor = try store.eventStateValue(WebhookStateKey.cursor(subscription.id)).flatMap { OutboxKey(bytes: $0) }
            cursorLoaded = true
        }
        // Observed before the reads: a change written after them moves it again, so it is read at the next step.
        let generation = registry.controlGeneration
        if generation != controlSeen {
            controlSeen = generation
            if let replay = try store.eventStateValue(WebhookStateKey.replay(subscription.id)) {
                // A replay asked for through the admin API: restart from there; the cursor and the request go together.
                cursor = OutboxKey(bytes: replay)
                var pending: [Write] = [(WebhookStateKey.replay(subscription.id), nil)]
                if cursor == nil { pending.append((WebhookStateKey.cursor(subscription.id), nil)) }
                try await flush(&pending)
            }
            disabled = try store.eventStateValue(WebhookStateKey.disabled(subscription.id)) != nil
            redeliveriesPending = true
        }
        guard subscription.mode != .paused, !disabled else { return .idle }
        if subscription.mode == .live, redeliveriesPending {
            if try await redeliver() { return .more }
            redeliveriesPending = false
        }
        let records = try await window.records(after: cursor, limit: readLimit)
        queueDepth.record(records.count)
        guard !records.isEmpty else { return .idle }
        let current = subscription
        let steps = WebhookBatch.plan(records, key: \.record.key, batchSize: current.mode == .shadow ? 1 : current.batchSize) { entry in
            guard let event = entry.event, current.accepts(rule: event.ruleID) else { return nil }
            return WebhookBatch.Event(id: event.id, payload: entry.record.payload)
        }
        var progress = records.count < readLimit ? Progress.caughtUp : .more
        var pending: [Write] = []
        var handled = 0
        for step in steps {
            try Task.checkCancellation()
            guard registry.subscription(subscription.id)?.subscription == subscription else {
                // Paused, changed or deleted through the admin API: stop here; the loop takes the change.
                progress = .more
                break
            }
            switch step {
            case .skip(let through):
                cursor = through
            case .send(let batch, let through):
                if subscription.mode == .shadow {
                    for event in batch.events {
                        pending.append(audit(event.id, count: nil, outcome: "shadow", attempt: 0))
                        countDelivery(outcome: "shadow")
                    }
                    cursor = through
                    continue
                }
                let finished = try await deliver(batch, audit: &pending, advancingTo: through)
                guard finished else {
                    // Disabled: the cursor stays before this message.
                    try await flush(&pending)
                    return .more
                }
                cursor = through
                while handled < records.count && records[handled].record.key <= through { handled += 1 }
                queueDepth.record(records.count - handled)
            }
        }
        try await flush(&pending)
        return progress
    }

    /// Delivers one message until it is delivered, dead-lettered or the subscription is disabled.
    ///
    /// - Parameter advancingTo: Where the cursor goes if the message is dead-lettered (`nil`: it stays; a redelivery).
    /// - Returns: `false` when the subscription was disabled.
    private mutating func deliver(_ batch: WebhookBatch, audit entries: inout [Write], advancingTo: OutboxKey?) async throws -> Bool {
        let messageID = batch.id
        let count = batch.isArray ? batch.events.count : nil
        let body = batch.body
        var machine = DeliveryStateMachine(policy: policy)
        var action = machine.start(now: nowMilliseconds)
        while true {
            switch action {
            case .send(let attempt):
                let started = clock.now
                let (outcome, snippet) = await send(body, messageID: messageID)
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
                countDelivery(outcome: label)
                entries.append(audit(messageID, count: count, outcome: label, attempt: attempt, status: status, latency: latency, error: snippet))
            case .wait(let milliseconds, _):
                try await Task.sleep(for: .milliseconds(milliseconds))
                action = machine.waited()
            case .delivered:
                tally.delivered(events: batch.events.count)
                return true
            case .deadLetter(let reason, let attempts):
                // Each event of the message becomes a dead letter of its own (redelivered one by one or all).
                let time = Date().timeIntervalSince1970
                for event in batch.events {
                    let letter = DeadLetter(
                        eventID: event.id, reason: reason, attempts: attempts, time: time, event: String(decoding: event.payload, as: UTF8.self))
                    entries.append((WebhookStateKey.deadLetters(subscription.id) + event.id, Array((try? JSONEncoder().encode(letter)) ?? Data())))
                }
                entries.append(audit(messageID, count: count, outcome: "dead_letter", attempt: attempts, error: reason))
                deadLetters.increment(by: batch.events.count)
                logger.warning(
                    "webhook dead letter", metadata: ["webhook.subscription": "\(subscription.id)", "event.id": "\(messageID)", "error": "\(reason)"])
                // The dead letters and the cursor past them are written together.
                if let advancingTo { cursor = advancingTo }
                try await flush(&entries)
                return true
            case .disableSubscription(let reason):
                entries.append((WebhookStateKey.disabled(subscription.id), Array(reason.utf8)))
                disabled = true
                logger.error("webhook subscription disabled", metadata: ["webhook.subscription": "\(subscription.id)", "error": "\(reason)"])
                return false
            }
        }
    }

    /// Redelivers the dead letters queued through the admin API (``WebhookStateKey/redeliveries(_:)``), before new
    /// events, as messages of the subscription's batch size; those of a message that fails again go back to the
    /// dead letters.
    ///
    /// - Returns: Whether there was any.
    private mutating func redeliver() async throws -> Bool {
        let size = subscription.batchSize
        let queued = try store.eventStateValues(prefix: WebhookStateKey.redeliveries(subscription.id), limit: max(64, size))
        guard !queued.isEmpty else { return false }
        var pending: [Write] = []
        var letters: [(key: String, event: WebhookBatch.Event)] = []
        for (key, value) in queued {
            if let letter = try? JSONDecoder().decode(DeadLetter.self, from: Data(value)) {
                letters.append((key, WebhookBatch.Event(id: letter.eventID, payload: Array(letter.event.utf8))))
            } else {
                pending.append((key, nil))
            }
        }
        if !pending.isEmpty { try await flush(&pending) }
        var start = 0
        while start < letters.count {
            try Task.checkCancellation()
            let group = letters[start..<min(start + size, letters.count)]
            start = group.endIndex
            let batch = WebhookBatch(events: group.map(\.event), isArray: size > 1)
            let finished = try await deliver(batch, audit: &pending, advancingTo: nil)
            guard finished else {
                // Disabled by a 410: the letters stay queued for when the subscription is resumed.
                try await flush(&pending)
                return true
            }
            for letter in group { pending.append((letter.key, nil)) }
            try await flush(&pending)
        }
        return true
    }

    private mutating func countDelivery(outcome: String) {
        if let counter = deliveries[outcome] { return counter.increment() }
        let counter = Counter(label: "stockd_webhook_deliveries_total", dimensions: [("subscription", subscription.id), ("outcome", outcome)])
        deliveries[outcome] = counter
        counter.increment()
    }

    private func statusCode(_ outcome: DeliveryStateMachine.Outcome) -> Int? {
        if case .status(let code, _) = outcome { return code }
        return nil
    }

    /// One HTTP attempt.
    private func send(_ body: [UInt8], messageID: String) async -> (DeliveryStateMachine.Outcome, String?) {
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: subscription.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "stockd-webhooks")
        request.headers.add(name: "webhook-id", value: messageID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: signature.sign(id: messageID, timestamp: timestamp, body: body))
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
        _ eventID: String, count: Int?, outcome: String, attempt: Int, status: Int? = nil, latency: Int? = nil, error: String? = nil
    ) -> Write {
        auditCounter += 1
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        let time = String(millis)
        let counter = String(auditCounter % 1_000_000_000)
        let key =
            WebhookStateKey.audit(subscription.id) + String(repeating: "0", count: max(0, 13 - time.count)) + time + "-"
            + String(repeating: "0", count: 9 - counter.count) + counter
        let entry = DeliveryAudit(
            time: Double(millis) / 1000, eventID: eventID, eventCount: count, outcome: outcome, attempt: attempt, status: status,
            latencyMilliseconds: latency, error: error)
        return (key, entry.encoded(with: auditEncoder))
    }

    /// Writes the cursor and pending state in one commit, trimming the audit log to its limit (by the keys kept in
    /// memory).
    private mutating func flush(_ pending: inout [Write]) async throws {
        if let cursor { pending.append((WebhookStateKey.cursor(subscription.id), cursor.bytes)) }
        let prefix = WebhookStateKey.audit(subscription.id)
        // Taken out (so appending does not copy them); read from the store the first time, and again after a
        // failed write.
        var head = auditKeys == nil ? 0 : auditHead
        var keys = try auditKeys ?? store.eventStateValues(prefix: prefix, limit: .max).map(\.key)
        auditKeys = nil
        keys.append(contentsOf: pending.lazy.filter { $0.value != nil && $0.key.hasPrefix(prefix) }.map(\.key))
        let excess = keys.count - head - auditLimit
        if excess > 0 {
            for key in keys[head..<head + excess] { pending.append((key, nil)) }
            head += excess
        }
        try await committer.write(pending)
        pending.removeAll()
        // Drop the trimmed keys now and then, not on every write.
        if head > auditLimit {
            keys.removeFirst(head)
            head = 0
        }
        auditKeys = keys
        auditHead = head
    }
}
