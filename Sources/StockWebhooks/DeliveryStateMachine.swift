/// The delivery of one event to one subscription, as a value: it is told what happened and returns what to do.
///
/// The dispatcher executes the actions (send, wait, record a dead letter, disable the subscription); the machine
/// holds the policy: retry on 5xx, 408, 425, 429, time-outs and connection failures with exponential backoff and
/// jitter, honouring `Retry-After`; a `410 Gone` disables the subscription; any other 4xx is a permanent refusal
/// (dead letter at once); attempts and age are bounded by the ``DeliveryPolicy``.
public struct DeliveryStateMachine: Sendable {
    /// What the dispatcher must do next.
    public enum Action: Hashable, Sendable {
        /// Send the event now; `attempt` counts from 1.
        case send(attempt: Int)
        /// Wait this long, then send again.
        case wait(milliseconds: Int64, nextAttempt: Int)
        /// The receiver accepted it: move the cursor past it.
        case delivered
        /// Give up: record a dead letter, then move the cursor past it.
        case deadLetter(reason: String, attempts: Int)
        /// The receiver is gone (`410`): disable the subscription; the cursor stays on this event.
        case disableSubscription(reason: String)
    }

    /// What an attempt came to.
    public enum Outcome: Hashable, Sendable {
        /// The receiver answered with this status, and maybe a `Retry-After` in milliseconds.
        case status(Int, retryAfterMilliseconds: Int64?)
        /// No answer within the response time-out.
        case timedOut
        /// No connection (refused, reset, connect time-out, TLS failure).
        case failed(String)
    }

    private enum State: Hashable {
        case idle
        case sending(attempt: Int)
        case waiting(attempt: Int)
        case finished
    }

    /// The policy.
    public let policy: DeliveryPolicy
    private var state = State.idle
    private var firstAttemptAt: Int64 = 0

    /// Creates a machine for one event.
    public init(policy: DeliveryPolicy) { self.policy = policy }

    /// Starts the delivery.
    ///
    /// - Parameter now: The time in milliseconds (any monotonic origin).
    public mutating func start(now: Int64) -> Action {
        guard case .idle = state else { preconditionFailure("start() in state \(state)") }
        firstAttemptAt = now
        state = .sending(attempt: 1)
        return .send(attempt: 1)
    }

    /// The wait before a retry is over.
    public mutating func waited() -> Action {
        guard case .waiting(let attempt) = state else { preconditionFailure("waited() in state \(state)") }
        state = .sending(attempt: attempt)
        return .send(attempt: attempt)
    }

    /// An attempt finished.
    ///
    /// - Parameters:
    ///   - outcome: What it came to.
    ///   - now: The time in milliseconds (same origin as ``start(now:)``).
    ///   - jitter: A random number in `0..<1` (the dispatcher draws it; tests fix it).
    public mutating func received(_ outcome: Outcome, now: Int64, jitter: Double) -> Action {
        guard case .sending(let attempt) = state else { preconditionFailure("received(_:) in state \(state)") }
        var retryAfter: Int64?
        let reason: String
        switch outcome {
        case .status(let code, let after):
            if (200..<300).contains(code) {
                state = .finished
                return .delivered
            }
            if code == 410 {
                state = .finished
                return .disableSubscription(reason: "receiver answered 410 Gone")
            }
            if (400..<500).contains(code) && ![408, 425, 429].contains(code) {
                state = .finished
                return .deadLetter(reason: "receiver refused it with \(code)", attempts: attempt)
            }
            retryAfter = after
            reason = "receiver answered \(code)"
        case .timedOut:
            reason = "no answer within \(policy.responseTimeoutMilliseconds) ms"
        case .failed(let message):
            reason = "connection failed: \(message)"
        }
        guard attempt < policy.maxAttempts else {
            state = .finished
            return .deadLetter(reason: "\(reason) after \(attempt) attempts", attempts: attempt)
        }
        let delay: Int64
        if let retryAfter {
            delay = min(max(0, retryAfter), policy.maxRetryAfterMilliseconds)
        } else {
            let exponent = min(attempt - 1, 40)
            let backoff = min(policy.maxBackoffMilliseconds, policy.initialBackoffMilliseconds << Int64(exponent))
            // "Equal jitter": half the backoff, plus a random part of the other half.
            delay = backoff / 2 + Int64(Double(backoff / 2) * min(max(jitter, 0), 1))
        }
        guard now + delay - firstAttemptAt <= policy.maxAgeMilliseconds else {
            state = .finished
            return .deadLetter(reason: "\(reason); retrying would pass the \(policy.maxAgeMilliseconds) ms limit", attempts: attempt)
        }
        state = .waiting(attempt: attempt + 1)
        return .wait(milliseconds: delay, nextAttempt: attempt + 1)
    }
}
