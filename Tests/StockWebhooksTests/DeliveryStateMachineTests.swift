import StockWebhooks
import Testing

/// The delivery policy as pure sequences of outcomes and actions.
@Suite struct DeliveryStateMachineTests {
    static let policy = DeliveryPolicy(
        maxAttempts: 4, maxAgeMilliseconds: 60_000, initialBackoffMilliseconds: 1_000, maxBackoffMilliseconds: 3_000,
        maxRetryAfterMilliseconds: 10_000)

    @Test func successOnTheFirstAttempt() {
        var machine = DeliveryStateMachine(policy: Self.policy)
        #expect(machine.start(now: 0) == .send(attempt: 1))
        #expect(machine.received(.status(204, retryAfterMilliseconds: nil), now: 5, jitter: 0) == .delivered)
    }

    @Test func backoffDoublesWithEqualJitterAndIsCapped() {
        var machine = DeliveryStateMachine(policy: Self.policy)
        _ = machine.start(now: 0)
        // 1 s backoff: between 500 and 1000 ms.
        #expect(machine.received(.status(500, retryAfterMilliseconds: nil), now: 0, jitter: 0) == .wait(milliseconds: 500, nextAttempt: 2))
        #expect(machine.waited() == .send(attempt: 2))
        #expect(machine.received(.timedOut, now: 1_000, jitter: 0.999_999) == .wait(milliseconds: 1_999, nextAttempt: 3))
        #expect(machine.waited() == .send(attempt: 3))
        // 4 s capped at 3 s.
        #expect(machine.received(.failed("refused"), now: 3_000, jitter: 1) == .wait(milliseconds: 3_000, nextAttempt: 4))
        #expect(machine.waited() == .send(attempt: 4))
        guard case .deadLetter(_, let attempts) = machine.received(.status(503, retryAfterMilliseconds: nil), now: 6_000, jitter: 0) else {
            Issue.record("expected a dead letter after the last attempt")
            return
        }
        #expect(attempts == 4)
    }

    @Test func retryAfterIsHonouredAndBounded() {
        var machine = DeliveryStateMachine(policy: Self.policy)
        _ = machine.start(now: 0)
        #expect(machine.received(.status(429, retryAfterMilliseconds: 2_000), now: 0, jitter: 0.5) == .wait(milliseconds: 2_000, nextAttempt: 2))
        _ = machine.waited()
        #expect(
            machine.received(.status(503, retryAfterMilliseconds: 99_000), now: 2_000, jitter: 0.5) == .wait(milliseconds: 10_000, nextAttempt: 3))
    }

    @Test func goneDisablesTheSubscriptionAndOther4xxAreRefusals() {
        var gone = DeliveryStateMachine(policy: Self.policy)
        _ = gone.start(now: 0)
        #expect(
            gone.received(.status(410, retryAfterMilliseconds: nil), now: 0, jitter: 0) == .disableSubscription(reason: "receiver answered 410 Gone"))
        var refused = DeliveryStateMachine(policy: Self.policy)
        _ = refused.start(now: 0)
        #expect(
            refused.received(.status(400, retryAfterMilliseconds: nil), now: 0, jitter: 0)
                == .deadLetter(reason: "receiver refused it with 400", attempts: 1))
        var timeout = DeliveryStateMachine(policy: Self.policy)
        _ = timeout.start(now: 0)
        #expect(timeout.received(.status(408, retryAfterMilliseconds: nil), now: 0, jitter: 0) == .wait(milliseconds: 500, nextAttempt: 2))
    }

    @Test func theAgeLimitEndsRetriesEarly() {
        var machine = DeliveryStateMachine(policy: DeliveryPolicy(maxAttempts: 100, maxAgeMilliseconds: 5_000, initialBackoffMilliseconds: 1_000))
        _ = machine.start(now: 0)
        guard case .deadLetter = machine.received(.status(500, retryAfterMilliseconds: 6_000), now: 100, jitter: 0) else {
            Issue.record("a retry past the age limit must dead-letter")
            return
        }
    }
}
