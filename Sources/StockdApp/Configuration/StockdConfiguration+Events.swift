import Foundation
import Logging
import StockEvents
import StockStorage
import StockWebhooks

extension StockdConfiguration {
    /// The `events.*` settings: rules that turn figure changes into stock events, and the outbox keeping them.
    public struct Events: Sendable, Equatable {
        /// `events.rules_file`: a JSON file of rules (docs/events.md); `nil` (the default) evaluates no rules.
        public var rulesFile: String?
        /// `events.outbox_max_count`: the most events the outbox keeps. Default 1,000,000.
        public var outboxMaxCount = 1_000_000
        /// `events.outbox_max_age_seconds`: the oldest event kept, by commit time; 0 keeps events of any age.
        /// Default 604,800 (seven days).
        public var outboxMaxAgeSeconds = 604_800

        /// Creates the events settings.
        public init(rulesFile: String? = nil) {
            self.rulesFile = rulesFile
        }
    }

    /// Reads the `events.*` keys.
    static func readEvents(into configuration: inout StockdConfiguration, from settings: SettingsReader) async throws(ConfigurationError) {
        typealias Check = ConfigurationValidation
        if let text = try await settings.text(.eventsRulesFile) {
            let path = Check.trim(text)
            configuration.events.rulesFile = path.isEmpty || path == "null" || path == "~" ? nil : path
        }
        if let text = try await settings.text(.eventsOutboxMaxCount) {
            configuration.events.outboxMaxCount = try Check.int(
                text, key: .eventsOutboxMaxCount, in: 1...1_000_000_000, expected: "a whole number from 1 to 1000000000")
        }
        if let text = try await settings.text(.eventsOutboxMaxAgeSeconds) {
            configuration.events.outboxMaxAgeSeconds = try Check.int(
                text, key: .eventsOutboxMaxAgeSeconds, in: 0...Int(Int32.max), expected: "a whole number of seconds, 0 for no limit")
        }
    }
}

extension StockdConfiguration {
    /// The outbox retention the store applies.
    var outboxRetention: OutboxRetention {
        OutboxRetention(maxCount: events.outboxMaxCount, maxAgeSeconds: events.outboxMaxAgeSeconds == 0 ? nil : events.outboxMaxAgeSeconds)
    }

    /// The evaluator of the rules in `events.rules_file`, or `nil` when no file is named.
    ///
    /// - Throws: ``ConfigurationError`` when the file cannot be read or a rule is invalid.
    ///
    /// - Parameter store: The store whose low-stock state the evaluator resumes from.
    func eventEvaluator(store: LMDBProjectionStore) throws -> EventEvaluator? {
        guard let path = events.rulesFile else { return nil }
        let rules: [EventRule]
        do {
            rules = try RuleFile.load(path: path)
        } catch {
            throw ConfigurationError.invalidValue(
                key: ConfigurationKey.eventsRulesFile.rawValue, value: path, expected: "a readable rules file (\(error))")
        }
        let disarmed = try store.eventStateValues(prefix: EventEvaluator.stateKeyPrefix).map(\.key)
        return EventEvaluator(rules: rules, disarmed: disarmed)
    }
}

extension StockdConfiguration {
    /// The webhook dispatcher for the subscriptions of `events.rules_file`, or `nil` when it names none.
    ///
    /// - Throws: ``ConfigurationError`` for invalid subscriptions.
    /// - Parameter store: The store the feed serves now (it changes with a resync).
    func webhookDispatcher(store: @escaping @Sendable () -> LMDBProjectionStore?, logger: Logger) throws -> WebhookDispatcher? {
        guard let path = events.rulesFile, let data = FileManager.default.contents(atPath: path) else { return nil }
        let settings: WebhookSettings
        do {
            settings = try WebhookSettings.parse(data)
        } catch {
            throw ConfigurationError.invalidValue(
                key: ConfigurationKey.eventsRulesFile.rawValue, value: path, expected: "valid subscriptions (\(error))")
        }
        guard !settings.subscriptions.isEmpty else { return nil }
        return try WebhookDispatcher(
            subscriptions: settings.subscriptions, policy: settings.policy, store: LMDBWebhookStore(current: store), logger: logger)
    }
}
