/// A webhook subscription: where to deliver which events, signed with which secret, in which mode.
public struct WebhookSubscription: Hashable, Sendable {
    /// The subscription's id (letters, digits, `-` and `_`), used in state keys, metrics and logs.
    public var id: String
    /// The receiver's URL (`http` or `https`).
    public var url: String
    /// The signing secret, `whsec_<base64>` (Standard Webhooks).
    public var secret: String
    /// The rule ids whose events it receives; empty receives every event.
    public var rules: [String]
    /// Whether it delivers, records only, or waits.
    public var mode: Mode
    /// The most events per request: 1 (the default) sends each event alone, its JSON object as the body; more
    /// sends up to that many events at once, as a JSON array (``WebhookBatch``), whenever several are waiting.
    public var batchSize: Int

    /// The largest ``batchSize`` accepted.
    public static let maxBatchSize = 1_000

    /// How a subscription treats its events.
    public enum Mode: String, Hashable, Sendable, CaseIterable {
        /// Deliver.
        case live
        /// Evaluate and record what would be sent (in the audit log); send nothing.
        case shadow
        /// Queue: send nothing until resumed; the cursor stays where it is.
        case paused
    }

    /// Creates a subscription.
    public init(id: String, url: String, secret: String, rules: [String] = [], mode: Mode = .live, batchSize: Int = 1) {
        self.id = id
        self.url = url
        self.secret = secret
        self.rules = rules
        self.mode = mode
        self.batchSize = min(max(1, batchSize), Self.maxBatchSize)
    }

    /// Whether an id may name a subscription: 1 to 128 letters, digits, `-` and `_` (it is used in state keys,
    /// URLs and metric labels).
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128 && id.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }

    /// Whether the subscription receives events of this rule.
    public func accepts(rule: String) -> Bool { rules.isEmpty || rules.contains(rule) }
}
