import Foundation
import Synchronization

/// The webhook subscriptions in force: those of the events file and those created through the admin API, with
/// the modes set through it (pause, resume). The dispatcher reads it before each event, so a change takes effect
/// without a restart; every change is written to the store first, so it survives one.
///
/// Precedence: a subscription of the file cannot be changed or deleted through the API (change the file), only
/// paused and resumed; a subscription created through the API is the API's to change or delete. Ids are unique
/// across both.
public final class SubscriptionRegistry: Sendable {
    /// Where a subscription comes from.
    public enum Source: String, Sendable {
        /// The events file.
        case file
        /// The admin API.
        case api
    }

    /// Why a change is refused.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        /// No subscription has this id.
        case notFound(String)
        /// A subscription with this id exists already.
        case exists(String)
        /// The subscription is the file's: only pause and resume apply.
        case fileSubscription(String)
        /// The body's id is not the path's.
        case idMismatch(path: String, body: String)

        public var description: String {
            switch self {
            case .notFound(let id): "no subscription has the id \(id)"
            case .exists(let id): "a subscription with the id \(id) exists already"
            case .fileSubscription(let id): "subscription \(id) comes from the events file: change it there (it can be paused and resumed here)"
            case .idMismatch(let path, let body): "the body's id \(body) is not the path's \(path)"
            }
        }
    }

    private struct State {
        var file: [WebhookSubscription]
        var api: [String: WebhookSubscription]
        var overrides: [String: WebhookSubscription.Mode]
    }

    private let state: Mutex<State>
    private let store: any WebhookStore
    /// Notified after every change, so the dispatcher's tasks take it at once.
    public let wakeUp: WebhookWakeUp
    private let controlChanges = Atomic<UInt64>(0)

    /// Creates the registry, reading the API's subscriptions and mode overrides from the store.
    ///
    /// - Parameters:
    ///   - file: The events file's subscriptions.
    ///   - store: Where the API's changes are kept.
    ///   - wakeUp: What the dispatcher waits on; the writer notifies it too, after commits that add events.
    public init(file: [WebhookSubscription], store: any WebhookStore, wakeUp: WebhookWakeUp = WebhookWakeUp()) throws {
        var api: [String: WebhookSubscription] = [:]
        let fileIDs = Set(file.map(\.id))
        for (_, value) in try store.eventStateValues(prefix: WebhookStateKey.apiSubscriptions, limit: .max) {
            guard let record = try? JSONDecoder().decode(SubscriptionRecord.self, from: Data(value)), !fileIDs.contains(record.id) else { continue }
            api[record.id] = record.subscription
        }
        var overrides: [String: WebhookSubscription.Mode] = [:]
        for (key, value) in try store.eventStateValues(prefix: WebhookStateKey.modeOverrides, limit: .max) {
            if let mode = WebhookSubscription.Mode(rawValue: String(decoding: value, as: UTF8.self)) {
                overrides[String(key.dropFirst(WebhookStateKey.modeOverrides.count))] = mode
            }
        }
        state = Mutex(State(file: file, api: api, overrides: overrides))
        self.store = store
        self.wakeUp = wakeUp
    }

    /// How many changes of the subscriptions' control state there have been: subscriptions created, changed,
    /// deleted, paused or resumed, and (through ``WebhookAdministration``) redeliveries and replays queued. A
    /// subscription's task reads its replay request, `410` disable and queued redeliveries from the store again only
    /// when this number has moved since its last look (or when it wrote them itself), not before every read of
    /// the outbox.
    public var controlGeneration: UInt64 { controlChanges.load(ordering: .acquiring) }

    /// Records a change of control state written to the store (after the write), and wakes the dispatcher.
    public func controlChanged() {
        controlChanges.add(1, ordering: .releasing)
        wakeUp.notify()
    }

    /// Every subscription in force, with its effective mode: the file's in file order, then the API's by id.
    public var all: [WebhookSubscription] {
        state.withLock { state in
            (state.file + state.api.values.sorted { $0.id < $1.id }).map { Self.effective($0, state.overrides[$0.id]) }
        }
    }

    /// The subscription with this id, with its effective mode, and where it comes from.
    public func subscription(_ id: String) -> (subscription: WebhookSubscription, source: Source, ownMode: WebhookSubscription.Mode)? {
        state.withLock { state in
            if let file = state.file.first(where: { $0.id == id }) { return (Self.effective(file, state.overrides[id]), .file, file.mode) }
            if let api = state.api[id] { return (Self.effective(api, state.overrides[id]), .api, api.mode) }
            return nil
        }
    }

    private static func effective(_ subscription: WebhookSubscription, _ override: WebhookSubscription.Mode?) -> WebhookSubscription {
        var result = subscription
        if let override { result.mode = override }
        return result
    }

    /// Creates a subscription.
    ///
    /// - Throws: ``Refusal/exists(_:)``, or the store's error.
    public func create(_ subscription: WebhookSubscription) throws -> WebhookSubscription {
        defer { controlChanged() }
        return try state.withLock { state in
            guard !state.file.contains(where: { $0.id == subscription.id }), state.api[subscription.id] == nil else {
                throw Refusal.exists(subscription.id)
            }
            try store.writeEventState([
                (WebhookStateKey.apiSubscription(subscription.id), SubscriptionRecord(subscription).encoded()),
                (WebhookStateKey.modeOverride(subscription.id), nil),
            ])
            state.api[subscription.id] = subscription
            state.overrides[subscription.id] = nil
            return subscription
        }
    }

    /// Replaces an API subscription (its mode included: the replacement's mode clears any pause or resume).
    ///
    /// - Returns: The subscription before.
    /// - Throws: ``Refusal``, or the store's error.
    public func replace(_ id: String, with subscription: WebhookSubscription) throws -> WebhookSubscription {
        defer { controlChanged() }
        return try state.withLock { state in
            guard subscription.id == id else { throw Refusal.idMismatch(path: id, body: subscription.id) }
            if state.file.contains(where: { $0.id == id }) { throw Refusal.fileSubscription(id) }
            guard let before = state.api[id] else { throw Refusal.notFound(id) }
            try store.writeEventState([
                (WebhookStateKey.apiSubscription(id), SubscriptionRecord(subscription).encoded()), (WebhookStateKey.modeOverride(id), nil),
            ])
            let previous = Self.effective(before, state.overrides[id])
            state.api[id] = subscription
            state.overrides[id] = nil
            return previous
        }
    }

    /// Deletes an API subscription and its delivery state (cursor, mode, pending replay, 410 disable). Its dead
    /// letters and delivery audit stay in the store: a subscription created again with the same id finds them.
    ///
    /// - Returns: The subscription deleted.
    /// - Throws: ``Refusal``, or the store's error.
    public func delete(_ id: String) throws -> WebhookSubscription {
        defer { controlChanged() }
        return try state.withLock { state in
            if state.file.contains(where: { $0.id == id }) { throw Refusal.fileSubscription(id) }
            guard let before = state.api[id] else { throw Refusal.notFound(id) }
            try store.writeEventState([
                (WebhookStateKey.apiSubscription(id), nil), (WebhookStateKey.modeOverride(id), nil), (WebhookStateKey.cursor(id), nil),
                (WebhookStateKey.replay(id), nil), (WebhookStateKey.disabled(id), nil),
            ])
            let previous = Self.effective(before, state.overrides[id])
            state.api[id] = nil
            state.overrides[id] = nil
            return previous
        }
    }

    /// Pauses a subscription: it queues (its cursor stays) until resumed.
    ///
    /// - Returns: The mode before and after.
    public func pause(_ id: String) throws -> (before: WebhookSubscription.Mode, after: WebhookSubscription.Mode) {
        try setMode(id) { own, current in ModeControl.pause(own: own, current: current) }
    }

    /// Resumes a subscription: back to its own mode (`live` if its own is `paused`); a subscription disabled by a
    /// `410` is enabled again.
    ///
    /// - Returns: The mode before and after.
    public func resume(_ id: String) throws -> (before: WebhookSubscription.Mode, after: WebhookSubscription.Mode) {
        try setMode(id, clearDisabled: true) { own, current in ModeControl.resume(own: own, current: current) }
    }

    private func setMode(
        _ id: String, clearDisabled: Bool = false,
        _ change: (WebhookSubscription.Mode, WebhookSubscription.Mode) -> WebhookSubscription.Mode?
    ) throws -> (before: WebhookSubscription.Mode, after: WebhookSubscription.Mode) {
        defer { controlChanged() }
        return try state.withLock { state in
            guard let own = state.file.first(where: { $0.id == id })?.mode ?? state.api[id]?.mode else { throw Refusal.notFound(id) }
            let current = state.overrides[id] ?? own
            let override = change(own, current)
            var writes: [(key: String, value: [UInt8]?)] = [(WebhookStateKey.modeOverride(id), override.map { Array($0.rawValue.utf8) })]
            if clearDisabled { writes.append((WebhookStateKey.disabled(id), nil)) }
            try store.writeEventState(writes)
            state.overrides[id] = override
            return (current, override ?? own)
        }
    }
}

/// Pause and resume as pure functions of a subscription's own mode (file or API) and its current one: they
/// return the override to keep, `nil` for none (the own mode applies).
public enum ModeControl {
    /// Pausing: always `paused` (kept as an override unless the own mode is `paused`).
    public static func pause(own: WebhookSubscription.Mode, current: WebhookSubscription.Mode) -> WebhookSubscription.Mode? {
        own == .paused ? nil : .paused
    }

    /// Resuming: the own mode when it is `live` or `shadow` (no override), `live` when the own mode is `paused`.
    public static func resume(own: WebhookSubscription.Mode, current: WebhookSubscription.Mode) -> WebhookSubscription.Mode? {
        own == .paused ? .live : nil
    }
}

/// A subscription as the store keeps it.
struct SubscriptionRecord: Codable {
    var id: String
    var url: String
    var secret: String
    var rules: [String]
    var mode: String
    /// Absent in records written before batches existed: 1.
    var batchSize: Int?

    enum CodingKeys: String, CodingKey {
        case id, url, secret, rules, mode
        case batchSize = "batch_size"
    }

    init(_ subscription: WebhookSubscription) {
        id = subscription.id
        url = subscription.url
        secret = subscription.secret
        rules = subscription.rules
        mode = subscription.mode.rawValue
        batchSize = subscription.batchSize
    }

    var subscription: WebhookSubscription {
        WebhookSubscription(
            id: id, url: url, secret: secret, rules: rules, mode: WebhookSubscription.Mode(rawValue: mode) ?? .paused, batchSize: batchSize ?? 1)
    }

    func encoded() -> [UInt8] { Array((try? JSONEncoder().encode(self)) ?? Data()) }
}
