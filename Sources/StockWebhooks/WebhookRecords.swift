import Foundation

/// A dead letter: an event the dispatcher gave up on, kept until an operator redelivers or drops it.
public struct DeadLetter: Codable, Hashable, Sendable {
    /// The event id.
    public var eventID: String
    /// Why it was given up.
    public var reason: String
    /// Attempts made.
    public var attempts: Int
    /// When it was given up (ISO 8601 is left to readers: seconds since 1970).
    public var time: Double
    /// The event (its JSON text).
    public var event: String

    /// Creates a dead letter.
    public init(eventID: String, reason: String, attempts: Int, time: Double, event: String) {
        self.eventID = eventID
        self.reason = reason
        self.attempts = attempts
        self.time = time
        self.event = event
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case reason, attempts, time, event
    }
}

/// One line of the delivery audit log: an attempt, or a shadow-mode record of what would have been sent.
public struct DeliveryAudit: Codable, Hashable, Sendable {
    /// When, in seconds since 1970.
    public var time: Double
    /// The event id, or a batch's `webhook-id` (``WebhookBatch/messageID(first:last:)``).
    public var eventID: String
    /// How many events the batch carried, for a batch subscription's message (`nil` for a single event).
    public var eventCount: Int?
    /// `delivered`, `retry`, `dead_letter`, `disabled`, `shadow`, `refused` (4xx), `timeout`, `connection_failed`.
    public var outcome: String
    /// The attempt number (0 for shadow).
    public var attempt: Int
    /// The receiver's status code, if it answered.
    public var status: Int?
    /// How long the attempt took, in milliseconds.
    public var latencyMilliseconds: Int?
    /// The first bytes of an error response or the error.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case time, outcome, attempt, status, error
        case eventID = "event_id"
        case eventCount = "event_count"
        case latencyMilliseconds = "latency_ms"
    }

    /// The entry as JSON, with an encoder the caller keeps (making one per entry costs more than encoding it).
    func encoded(with encoder: JSONEncoder) -> [UInt8] { Array((try? encoder.encode(self)) ?? Data()) }
}
