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
        let catalog = try ruleCatalog(store: store)
        // Always made, so that rules created through the admin API can be installed without a restart; installed
        // on the projection only while there are rules (an observer costs every transaction a copy of the state).
        let disarmed = try store.eventStateValues(prefix: EventEvaluator.stateKeyPrefix).map(\.key)
        return EventEvaluator(rules: catalog.rules, disarmed: disarmed)
    }

    /// The rules of `events.rules_file` and those the admin API stored (``RuleStateKey``).
    ///
    /// - Throws: ``ConfigurationError`` when the file cannot be read or a rule is invalid.
    func ruleCatalog(store: LMDBProjectionStore) throws -> RuleCatalog {
        var fileRules: [EventRule] = []
        if let path = events.rulesFile {
            do {
                fileRules = try RuleFile.load(path: path)
            } catch {
                throw ConfigurationError.invalidValue(
                    key: ConfigurationKey.eventsRulesFile.rawValue, value: path, expected: "a readable rules file (\(error))")
            }
        }
        let apiRules = try store.eventStateValues(prefix: RuleStateKey.prefix).compactMap { _, value in
            (try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any]).flatMap { try? RuleFile.rule(from: $0) }
        }
        return RuleCatalog(fileRules: fileRules, apiRules: apiRules)
    }
}

extension StockdConfiguration {
    /// The webhook dispatcher for the subscriptions of `events.rules_file`, or `nil` when it names none.
    ///
    /// - Throws: ``ConfigurationError`` for invalid subscriptions.
    /// - Parameters:
    ///   - store: The store the feed serves now (it changes with a resync).
    ///   - wakeUp: What the writer notifies after commits that add outbox events.
    func webhookDispatcher(
        store: @escaping @Sendable () -> LMDBProjectionStore?, wakeUp: WebhookWakeUp = WebhookWakeUp(), logger: Logger
    ) throws -> WebhookDispatcher? {
        // Made whenever the store is an LMDB store, with or without an events file: subscriptions may be created
        // through the admin API.
        guard store() != nil else { return nil }
        var settings = WebhookSettings(subscriptions: [], policy: DeliveryPolicy())
        if let path = events.rulesFile, let data = FileManager.default.contents(atPath: path) {
            do {
                settings = try WebhookSettings.parse(data)
            } catch {
                throw ConfigurationError.invalidValue(
                    key: ConfigurationKey.eventsRulesFile.rawValue, value: path, expected: "valid subscriptions (\(error))")
            }
        }
        let webhookStore = LMDBWebhookStore(current: store)
        let registry = try SubscriptionRegistry(file: settings.subscriptions, store: webhookStore, wakeUp: wakeUp)
        return try WebhookDispatcher(registry: registry, policy: settings.policy, store: webhookStore, logger: logger)
    }

    /// The admin API's operations, when the store is an LMDB store.
    func eventAdministrator(
        runtime: ProjectionRuntime, store: @escaping @Sendable () -> LMDBProjectionStore?, registry: SubscriptionRegistry?, logger: Logger
    ) throws -> EventAdministrator? {
        guard let evaluator = runtime.events, let registry, store() != nil else { return nil }
        let webhookStore = LMDBWebhookStore(current: store)
        return EventAdministrator(
            catalog: try ruleCatalog(store: runtime.store), evaluator: evaluator, projection: runtime.projection, store: webhookStore,
            webhooks: WebhookAdministration(
                registry: registry, store: webhookStore, retentionMaxAgeSeconds: outboxRetention.maxAgeSeconds),
            logger: logger)
    }
}
