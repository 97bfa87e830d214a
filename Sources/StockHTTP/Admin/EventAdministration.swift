/// What the admin API (`/v1/admin/...`) asks of the application: the rules and webhook subscriptions of the
/// stock events, their dead letters, replays and audit logs.
///
/// The HTTP layer authenticates (the `admin` scope), reads paths, query parameters and bodies, and turns
/// ``AdminFailure``s into problem documents; the composition root implements the operations over the store, the
/// rules evaluator and the webhook dispatcher. Bodies go in and come out as JSON bytes, so this module does not
/// depend on the events modules.
public protocol EventAdministration: Sendable {
    /// Performs one operation.
    ///
    /// - Parameters:
    ///   - operation: What to do.
    ///   - actor: The name of the token that asks (recorded in the audit log of changes).
    /// - Returns: The answer's status (200 or 201) and JSON body.
    /// - Throws: ``AdminFailure`` for a request the operation refuses; anything else is a 500.
    func perform(_ operation: AdminOperation, actor: String) async throws -> AdminAnswer
}

/// One admin operation.
public enum AdminOperation: Equatable, Sendable {
    /// `GET /v1/admin/rules`.
    case listRules
    /// `GET /v1/admin/rules/{id}`.
    case rule(id: String)
    /// `POST /v1/admin/rules` (the body is a rule).
    case createRule(body: [UInt8])
    /// `PUT /v1/admin/rules/{id}`.
    case replaceRule(id: String, body: [UInt8])
    /// `DELETE /v1/admin/rules/{id}`.
    case deleteRule(id: String)
    /// `GET /v1/admin/subscriptions`.
    case listSubscriptions
    /// `GET /v1/admin/subscriptions/{id}`.
    case subscription(id: String)
    /// `POST /v1/admin/subscriptions`.
    case createSubscription(body: [UInt8])
    /// `PUT /v1/admin/subscriptions/{id}`.
    case replaceSubscription(id: String, body: [UInt8])
    /// `DELETE /v1/admin/subscriptions/{id}`.
    case deleteSubscription(id: String)
    /// `POST /v1/admin/subscriptions/{id}/pause`.
    case pause(id: String)
    /// `POST /v1/admin/subscriptions/{id}/resume`.
    case resume(id: String)
    /// `GET /v1/admin/subscriptions/{id}/dead-letters`.
    case deadLetters(id: String, limit: Int, after: String?)
    /// `POST /v1/admin/subscriptions/{id}/dead-letters/redeliver` (one event, or all with `nil`).
    case redeliver(id: String, eventID: String?)
    /// `POST /v1/admin/subscriptions/{id}/replay` from an event id or a time (RFC 3339, or seconds since 1970);
    /// exactly one is given.
    case replay(id: String, fromEventID: String?, fromTime: String?)
    /// `GET /v1/admin/audit`: newest first, `limit` entries before the `before` cursor.
    case audit(kind: AuditKind, subscription: String?, limit: Int, before: String?)
}

/// The audit logs.
public enum AuditKind: String, CaseIterable, Sendable {
    /// Changes of rules.
    case rule
    /// Changes of subscriptions (create, update, delete, pause, resume, redeliver, replay).
    case subscription
    /// Delivery attempts (and shadow records).
    case delivery
}

/// An answer: its status and JSON body.
public struct AdminAnswer: Sendable {
    /// 200 or 201.
    public var status: Int
    /// The JSON body.
    public var body: [UInt8]

    /// Creates an answer.
    public init(status: Int = 200, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// A refused admin request; the HTTP layer answers it with a problem document.
public struct AdminFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// Which problem.
    public enum Reason: Sendable {
        /// 404: no such rule, subscription, dead letter or event.
        case notFound
        /// 409: the change conflicts with what exists (a duplicate id, a file rule, a file subscription).
        case conflict
        /// 422: the body is JSON but not a valid rule or subscription.
        case invalid
        /// 410: the outbox no longer holds what a replay asks for.
        case gone
        /// 400: a malformed parameter (an event id, a time).
        case malformed
    }

    /// Which problem.
    public var reason: Reason
    /// What was wrong, for the problem's `detail`.
    public var detail: String

    /// Creates a failure.
    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { detail }
}
