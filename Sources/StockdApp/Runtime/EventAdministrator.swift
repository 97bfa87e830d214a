import Foundation
import Logging
import StockEvents
import StockHTTP
import StockProjection
import StockWebhooks
import Synchronization

/// The admin API's operations (``EventAdministration``) over the rules evaluator, the webhook registry and the
/// store: what `/v1/admin/...` does.
///
/// Rule changes are written to the store (with their audit entry, in one transaction) before the evaluator's rules
/// are swapped, so the next commit boundary evaluates them and a restart finds them; the evaluator is installed on
/// the projection while there is any rule.
final class EventAdministrator: EventAdministration {
    private let catalog: Mutex<RuleCatalog>
    private let evaluator: EventEvaluator
    private let projection: StockProjection
    private let store: any WebhookStore
    private let webhooks: WebhookAdministration
    private let logger: Logger
    private let auditCounter = Atomic<Int>(0)

    init(
        catalog: RuleCatalog, evaluator: EventEvaluator, projection: StockProjection, store: any WebhookStore,
        webhooks: WebhookAdministration, logger: Logger
    ) {
        self.catalog = Mutex(catalog)
        self.evaluator = evaluator
        self.projection = projection
        self.store = store
        self.webhooks = webhooks
        self.logger = logger
    }

    func perform(_ operation: AdminOperation, actor: String) async throws -> AdminAnswer {
        do {
            return try performUnmapped(operation, actor: actor)
        } catch let refusal as SubscriptionRegistry.Refusal {
            switch refusal {
            case .notFound: throw AdminFailure(.notFound, refusal.description)
            case .exists, .fileSubscription: throw AdminFailure(.conflict, refusal.description)
            case .idMismatch: throw AdminFailure(.invalid, refusal.description)
            }
        } catch let refusal as WebhookAdministration.Refusal {
            switch refusal {
            case .notFound, .noDeadLetter, .noEvent: throw AdminFailure(.notFound, refusal.description)
            case .gone: throw AdminFailure(.gone, refusal.description)
            case .malformedEventID: throw AdminFailure(.malformed, refusal.description)
            }
        }
    }

    private func performUnmapped(_ operation: AdminOperation, actor: String) throws -> AdminAnswer {
        switch operation {
        case .listRules:
            let rules = catalog.withLock { catalog in catalog.rules.compactMap { catalog.rule($0.id) } }
            return try answer(["rules": rules.map { ruleObject($0.rule, $0.source) }])
        case .rule(let id):
            guard let found = catalog.withLock({ $0.rule(id) }) else { throw AdminFailure(.notFound, "no rule has the id \(id)") }
            return try answer(ruleObject(found.rule, found.source))
        case .createRule(let body):
            let rule = try parseRule(body)
            return try changeRule(actor: actor, status: 201) { try $0.create(rule) }
        case .replaceRule(let id, let body):
            let rule = try parseRule(body)
            return try changeRule(actor: actor) { try $0.replace(id, with: rule) }
        case .deleteRule(let id):
            return try changeRule(actor: actor) { try $0.delete(id) }
        case .listSubscriptions:
            return try answer(["subscriptions": try webhooks.statuses().map(encoded)])
        case .subscription(let id):
            return try answer(try encoded(try webhooks.status(id)))
        case .createSubscription(let body):
            let subscription = try parseSubscription(body)
            _ = try webhooks.registry.create(subscription)
            try audit(.subscription, action: "create", target: subscription.id, actor: actor, before: nil, after: subscriptionObject(subscription))
            return try answer(try encoded(try webhooks.status(subscription.id)), status: 201)
        case .replaceSubscription(let id, let body):
            let subscription = try parseSubscription(body)
            let before = try webhooks.registry.replace(id, with: subscription)
            try audit(
                .subscription, action: "update", target: id, actor: actor, before: subscriptionObject(before), after: subscriptionObject(subscription)
            )
            return try answer(try encoded(try webhooks.status(id)))
        case .deleteSubscription(let id):
            let before = try webhooks.registry.delete(id)
            try audit(.subscription, action: "delete", target: id, actor: actor, before: subscriptionObject(before), after: nil)
            return try answer(["deleted": id])
        case .pause(let id):
            let modes = try webhooks.registry.pause(id)
            try audit(
                .subscription, action: "pause", target: id, actor: actor, before: ["mode": modes.before.rawValue],
                after: ["mode": modes.after.rawValue])
            return try answer(try encoded(try webhooks.status(id)))
        case .resume(let id):
            let modes = try webhooks.registry.resume(id)
            try audit(
                .subscription, action: "resume", target: id, actor: actor, before: ["mode": modes.before.rawValue],
                after: ["mode": modes.after.rawValue])
            return try answer(try encoded(try webhooks.status(id)))
        case .deadLetters(let id, let limit, let after):
            let letters = try webhooks.deadLetters(id, limit: limit + 1, after: after)
            let page = letters.prefix(limit)
            return try answer([
                "dead_letters": page.map { letter -> [String: Any] in
                    [
                        "event_id": letter.eventID, "reason": letter.reason, "attempts": letter.attempts, "time": letter.time,
                        "event": (try? JSONSerialization.jsonObject(with: Data(letter.event.utf8))) ?? letter.event,
                    ]
                },
                "next": Self.orNull(letters.count > limit ? page.last?.eventID : nil),
            ])
        case .redeliver(let id, let eventID):
            let queued = try webhooks.redeliver(id, eventID: eventID)
            try audit(.subscription, action: "redeliver", target: id, actor: actor, before: nil, after: ["events": queued])
            return try answer(["queued": queued])
        case .replay(let id, let fromEventID, let fromTime):
            let start: WebhookAdministration.ReplayStart
            if let fromEventID {
                start = .event(fromEventID)
            } else {
                start = .time(try Self.time(fromTime ?? ""))
            }
            let first = try webhooks.replay(id, from: start)
            let from: Any = fromEventID ?? fromTime ?? ""
            try audit(
                .subscription, action: "replay", target: id, actor: actor, before: nil, after: ["from": from, "first_event": Self.orNull(first)])
            return try answer(["first_event": Self.orNull(first)])
        case .audit(let kind, let subscription, let limit, let before):
            return try auditPage(kind: kind, subscription: subscription, limit: limit, before: before)
        }
    }

    // MARK: Rules

    private func changeRule(
        actor: String, status: Int = 200, _ change: (inout RuleCatalog) throws -> RuleChange
    ) throws
        -> AdminAnswer
    {
        let (result, rules): (RuleChange, [EventRule]) = try catalog.withLock { catalog in
            var next = catalog
            let result: RuleChange
            do {
                result = try change(&next)
            } catch let refusal as RuleCatalog.Refusal {
                switch refusal {
                case .notFound: throw AdminFailure(.notFound, refusal.description)
                case .invalidID, .idMismatch: throw AdminFailure(.invalid, refusal.description)
                case .exists, .fileRule: throw AdminFailure(.conflict, refusal.description)
                }
            }
            let stored: [UInt8]? =
                next.apiRules[result.ruleID].flatMap { try? JSONSerialization.data(withJSONObject: $0.jsonObject, options: [.sortedKeys]) }.map {
                    Array($0)
                }
            // The rule and its audit entry in one transaction, before the evaluator sees it.
            var writes: [(key: String, value: [UInt8]?)] = [(RuleStateKey.rule(result.ruleID), stored)]
            writes.append(
                auditEntry(
                    .rule, action: result.action.rawValue, target: result.ruleID, actor: actor, before: result.before?.jsonObject,
                    after: result.after?.jsonObject))
            try store.writeEventState(writes)
            catalog = next
            return (result, next.rules)
        }
        try trimAudit(.rule)
        evaluator.replaceRules(rules)
        projection.setTransactionObserver(rules.isEmpty ? nil : evaluator)
        logger.notice(
            "rule changed through the admin API",
            metadata: ["rule.id": "\(result.ruleID)", "rule.action": "\(result.action.rawValue)", "admin.actor": "\(actor)"])
        guard let found = catalog.withLock({ $0.rule(result.ruleID) }) else { return try answer(["deleted": result.ruleID], status: status) }
        return try answer(ruleObject(found.rule, found.source), status: status)
    }

    private func parseRule(_ body: [UInt8]) throws -> EventRule {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw AdminFailure(.invalid, "the body must be a JSON object")
        }
        do {
            return try RuleFile.rule(from: object)
        } catch {
            throw AdminFailure(.invalid, "\(error)")
        }
    }

    private func ruleObject(_ rule: EventRule, _ source: RuleCatalog.Source) -> [String: Any] {
        var object = rule.jsonObject
        object["source"] = source.rawValue
        return object
    }

    // MARK: Subscriptions

    private func parseSubscription(_ body: [UInt8]) throws -> WebhookSubscription {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw AdminFailure(.invalid, "the body must be a JSON object")
        }
        guard object["secret_env"] == nil else { throw AdminFailure(.invalid, "give the secret itself (secret), not secret_env") }
        do {
            return try WebhookSettings.subscription(from: object, environment: [:])
        } catch {
            throw AdminFailure(.invalid, "\(error)")
        }
    }

    /// A subscription for the audit log: never its secret.
    private func subscriptionObject(_ subscription: WebhookSubscription) -> [String: Any] {
        [
            "id": subscription.id, "url": subscription.url, "rules": subscription.rules, "mode": subscription.mode.rawValue,
            "batch_size": subscription.batchSize,
        ]
    }

    // MARK: Audit

    private func audit(_ kind: ChangeAudit.Kind, action: String, target: String, actor: String, before: Any?, after: Any?) throws {
        try store.writeEventState([auditEntry(kind, action: action, target: target, actor: actor, before: before, after: after)])
        try trimAudit(kind)
        logger.notice(
            "subscription changed through the admin API",
            metadata: ["subscription.id": "\(target)", "admin.action": "\(action)", "admin.actor": "\(actor)"])
    }

    private func auditEntry(
        _ kind: ChangeAudit.Kind, action: String, target: String, actor: String, before: Any?, after: Any?
    ) -> (
        key: String, value: [UInt8]?
    ) {
        let milliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        let counter = auditCounter.add(1, ordering: .relaxed).newValue
        return (
            ChangeAudit.key(kind, milliseconds: milliseconds, counter: counter),
            ChangeAudit.entry(kind: kind, action: action, target: target, actor: actor, milliseconds: milliseconds, before: before, after: after)
        )
    }

    private func trimAudit(_ kind: ChangeAudit.Kind) throws {
        let entries = try store.eventStateValues(prefix: ChangeAudit.prefix(kind), limit: .max)
        guard entries.count > ChangeAudit.limit else { return }
        try store.writeEventState(entries.prefix(entries.count - ChangeAudit.limit).map { ($0.key, nil) })
    }

    /// A page of an audit log, newest first: `limit` entries with keys before `before`; `next` is the cursor of the
    /// following page.
    private func auditPage(kind: AuditKind, subscription: String?, limit: Int, before: String?) throws -> AdminAnswer {
        let prefix: String
        switch kind {
        case .rule: prefix = ChangeAudit.prefix(.rule)
        case .subscription: prefix = ChangeAudit.prefix(.subscription)
        case .delivery:
            if let subscription {
                guard webhooks.registry.subscription(subscription) != nil else {
                    throw AdminFailure(.notFound, "no subscription has the id \(subscription)")
                }
                prefix = WebhookStateKey.audit(subscription)
            } else {
                prefix = "wh/audit/"
            }
        }
        var entries = try store.eventStateValues(prefix: prefix, limit: .max)
        // Delivery entries of several subscriptions: newest first across them (the key ends with the time).
        entries.sort { Self.sortKey($0.key, kind: kind) > Self.sortKey($1.key, kind: kind) }
        if let before { entries = entries.filter { Self.sortKey($0.key, kind: kind) < before } }
        let page = entries.prefix(limit)
        let objects: [Any] = page.map { key, value in
            var object = (try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any]) ?? [:]
            if kind == .delivery {
                object["subscription"] = String(key.dropFirst("wh/audit/".count).split(separator: "/").first ?? "")
            }
            return object
        }
        let next = Self.orNull(entries.count > limit ? page.last.map { Self.sortKey($0.key, kind: kind) } : nil)
        return try answer(["entries": objects, "next": next])
    }

    /// The part of an audit key that orders it (time, then counter; for deliveries, then the subscription).
    private static func sortKey(_ key: String, kind: AuditKind) -> String {
        guard kind == .delivery else { return String(key.split(separator: "/").last ?? "") }
        let parts = key.split(separator: "/")
        return parts.count >= 4 ? "\(parts[3])/\(parts[2])" : key
    }

    // MARK: JSON

    /// A text, or JSON `null`.
    private static func orNull(_ text: String?) -> Any { text.map { $0 as Any } ?? NSNull() }

    private func answer(_ object: Any, status: Int = 200) throws -> AdminAnswer {
        AdminAnswer(status: status, body: Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
    }

    private func encoded(_ status: WebhookAdministration.Status) throws -> Any {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(status))
    }

    static func time(_ text: String) throws -> Double {
        if let seconds = Double(text), seconds.isFinite { return seconds }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        throw AdminFailure(.malformed, "from_time: '\(text)' is neither an RFC 3339 time nor seconds since 1970")
    }
}
