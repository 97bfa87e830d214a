public import Foundation

/// The webhook part of the events file: `subscriptions` and `delivery`, beside `rules`.
///
/// ```json
/// {"rules": [...],
///  "subscriptions": [{"id": "shop", "url": "https://shop.example/hooks/stock", "secret": "whsec_...",
///                     "rules": ["sold-out"], "mode": "live", "batch_size": 1}],
///  "delivery": {"max_attempts": 8, "max_age_seconds": 86400, "initial_backoff_ms": 500, "max_backoff_ms": 300000,
///               "connect_timeout_ms": 2000, "response_timeout_ms": 10000,
///               "max_backlog_pause_ms": 100, "backlog_lag_ms": 1000}}
/// ```
///
/// A secret may be given as `"secret_env": "NAME"` to read it from the environment instead.
public struct WebhookSettings: Sendable {
    /// The subscriptions.
    public var subscriptions: [WebhookSubscription]
    /// The delivery policy.
    public var policy: DeliveryPolicy

    /// Creates settings.
    public init(subscriptions: [WebhookSubscription], policy: DeliveryPolicy) {
        self.subscriptions = subscriptions
        self.policy = policy
    }

    /// A file that cannot be used.
    public struct Problem: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// Parses the file's JSON.
    ///
    /// - Parameters:
    ///   - data: The file.
    ///   - environment: Where `secret_env` names are looked up.
    /// - Throws: ``Problem``.
    public static func parse(_ data: Data, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> WebhookSettings {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return WebhookSettings(subscriptions: [], policy: DeliveryPolicy())
        }
        var subscriptions: [WebhookSubscription] = []
        var seen = Set<String>()
        for (offset, item) in ((object["subscriptions"] as? [Any]) ?? []).enumerated() {
            guard let fields = item as? [String: Any] else { throw Problem(description: "subscription #\(offset + 1) is not an object") }
            let subscription = try subscription(from: fields, number: offset + 1, environment: environment)
            guard seen.insert(subscription.id).inserted else { throw Problem(description: "subscription \(subscription.id) appears twice") }
            subscriptions.append(subscription)
        }
        var policy = DeliveryPolicy()
        if let delivery = object["delivery"] as? [String: Any] {
            func number(_ key: String) -> Int64? { (delivery[key] as? NSNumber)?.int64Value }
            policy = DeliveryPolicy(
                maxAttempts: number("max_attempts").map { Int($0) } ?? policy.maxAttempts,
                maxAgeMilliseconds: number("max_age_seconds").map { $0 * 1000 } ?? policy.maxAgeMilliseconds,
                initialBackoffMilliseconds: number("initial_backoff_ms") ?? policy.initialBackoffMilliseconds,
                maxBackoffMilliseconds: number("max_backoff_ms") ?? policy.maxBackoffMilliseconds,
                maxRetryAfterMilliseconds: number("max_retry_after_ms") ?? policy.maxRetryAfterMilliseconds,
                connectTimeoutMilliseconds: number("connect_timeout_ms") ?? policy.connectTimeoutMilliseconds,
                responseTimeoutMilliseconds: number("response_timeout_ms") ?? policy.responseTimeoutMilliseconds,
                maxBacklogPauseMilliseconds: number("max_backlog_pause_ms") ?? policy.maxBacklogPauseMilliseconds,
                backlogLagMilliseconds: number("backlog_lag_ms") ?? policy.backlogLagMilliseconds)
        }
        return WebhookSettings(subscriptions: subscriptions, policy: policy)
    }

    /// Reads one subscription given as the file format's JSON object (the admin API reads them with this too).
    ///
    /// - Parameters:
    ///   - fields: The object, as decoded by `JSONSerialization`.
    ///   - number: Its position in the file, for messages.
    ///   - environment: Where `secret_env` names are looked up.
    /// - Throws: ``Problem`` naming what is wrong.
    public static func subscription(
        from fields: [String: Any], number: Int = 1, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> WebhookSubscription {
        guard let id = fields["id"] as? String, WebhookSubscription.isValidID(id) else {
            throw Problem(description: "subscription #\(number) needs an id of 1 to 128 letters, digits, - and _")
        }
        guard let url = fields["url"] as? String, url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw Problem(description: "subscription \(id): url must be http:// or https://")
        }
        let secret = (fields["secret"] as? String) ?? (fields["secret_env"] as? String).flatMap { environment[$0] }
        guard let secret, (try? WebhookSignature(secret: secret)) != nil else {
            throw Problem(description: "subscription \(id): secret (or secret_env) must be whsec_ followed by base64")
        }
        let modeText = fields["mode"] == nil ? "live" : fields["mode"] as? String
        guard let modeText, let mode = WebhookSubscription.Mode(rawValue: modeText) else {
            throw Problem(description: "subscription \(id): mode must be live, shadow or paused")
        }
        let rules = fields["rules"] ?? [String]()
        guard let rules = rules as? [String] else { throw Problem(description: "subscription \(id): rules must be a list of rule ids") }
        var batchSize = 1
        if let value = fields["batch_size"] {
            // Whole numbers only: `JSONSerialization` gives booleans as `NSNumber`s too (their type is `c`).
            guard let number = value as? NSNumber, String(cString: number.objCType) != "c", number.doubleValue.rounded() == number.doubleValue,
                Double(1)...Double(WebhookSubscription.maxBatchSize) ~= number.doubleValue
            else {
                throw Problem(description: "subscription \(id): batch_size must be a whole number from 1 to \(WebhookSubscription.maxBatchSize)")
            }
            batchSize = number.intValue
        }
        return WebhookSubscription(id: id, url: url, secret: secret, rules: rules, mode: mode, batchSize: batchSize)
    }
}
