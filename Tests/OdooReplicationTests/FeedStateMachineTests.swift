import PostgresReplicationWire
import Testing

@testable import OdooReplication

/// Every transition of the feed's state machine, without PostgreSQL.
struct FeedStateMachineTests {
    static let policy = FeedStateMachine.Policy(
        initialBackoffMilliseconds: 100,
        maxBackoffMilliseconds: 1_000,
        slotLostPollMilliseconds: 5_000,
        stallTimeoutMilliseconds: 3_000,
        autoResync: true
    )

    @Test func anEmptyStoreIsSnapshottedThenStreamed() {
        var machine = FeedStateMachine(policy: Self.policy, hasFigures: false)
        #expect(machine.phase == .starting)
        #expect(machine.nextStep(storeIsComplete: false) == .snapshot)
        #expect(machine.phase == .snapshotting)
        machine.snapshotSucceeded()
        #expect(machine.nextStep(storeIsComplete: true) == .stream)
        machine.streamStarted()
        #expect(machine.phase == .streaming)
    }

    @Test func anIncompleteSnapshotIsRedone() {
        var machine = FeedStateMachine(policy: Self.policy, hasFigures: true)
        #expect(machine.nextStep(storeIsComplete: false) == .snapshot)
    }

    /// A connection that starts and then fails without applying anything must not reset the backoff: a
    /// message that cannot be decoded at the restart point would otherwise loop every 100–200 ms for ever.
    @Test func backoffResetsOnlyAfterRealProgress() {
        var machine = FeedStateMachine(policy: Self.policy, hasFigures: true)
        var delays: [Int] = []
        for _ in 0..<6 {
            #expect(machine.nextStep(storeIsComplete: true) == .stream)
            machine.streamStarted()
            guard case .wait(let delay) = machine.failed(.connection("cannot decode")) else {
                Issue.record("expected a wait")
                return
            }
            delays.append(delay)
            #expect(machine.phase == .reconnecting)
        }
        #expect(delays == [100, 200, 400, 800, 1_000, 1_000])
        machine.streamStarted()
        machine.progressed()
        #expect(machine.failed(.connection("lost")) == .wait(milliseconds: 100))
    }

    @Test func aStallIsSilenceLongerThanTheTimeout() {
        let machine = FeedStateMachine(policy: Self.policy, hasFigures: true)
        #expect(!machine.isStalled(silentMilliseconds: 3_000))
        #expect(machine.isStalled(silentMilliseconds: 3_001))
    }

    /// A resync keeps serving the old figures (phase `resyncing`) and stays pending until one succeeds.
    @Test func aResyncStaysPendingUntilItSucceeds() {
        var machine = FeedStateMachine(policy: Self.policy, hasFigures: true)
        machine.requestResync()
        #expect(machine.nextStep(storeIsComplete: true) == .resync)
        #expect(machine.phase == .resyncing)
        #expect(machine.failed(.resyncFailed("permission denied")) == .wait(milliseconds: 100))
        #expect(machine.phase == .resyncing)
        #expect(machine.resyncPending)
        #expect(machine.nextStep(storeIsComplete: true) == .resync)
        #expect(machine.failed(.resyncFailed("permission denied")) == .wait(milliseconds: 200))
        #expect(machine.nextStep(storeIsComplete: true) == .resync)
        machine.resyncSucceeded()
        #expect(!machine.resyncPending)
        #expect(machine.nextStep(storeIsComplete: true) == .stream)
    }

    /// A store behind its slot is never streamed: it is resynced, whatever the auto-resync policy says.
    @Test func aStoreBehindItsSlotIsResyncedEvenWithoutAutoResync() {
        var policy = Self.policy
        policy.autoResync = false
        var machine = FeedStateMachine(policy: policy, hasFigures: true)
        _ = machine.nextStep(storeIsComplete: true)
        #expect(machine.failed(.storeBehindSlot("gap")) == .wait(milliseconds: 100))
        #expect(machine.phase == .storeBehindSlot)
        #expect(machine.nextStep(storeIsComplete: true) == .resync)
    }

    @Test func aLostSlotResyncsByItselfOrWaitsForAnOperator() {
        var automatic = FeedStateMachine(policy: Self.policy, hasFigures: true)
        _ = automatic.nextStep(storeIsComplete: true)
        #expect(automatic.failed(.slotLost("gone")) == .wait(milliseconds: 100))
        #expect(automatic.phase == .slotLost)
        #expect(automatic.nextStep(storeIsComplete: true) == .resync)

        var policy = Self.policy
        policy.autoResync = false
        var manual = FeedStateMachine(policy: policy, hasFigures: true)
        _ = manual.nextStep(storeIsComplete: true)
        // The polling rate of a lost slot is bounded.
        #expect(manual.failed(.slotLost("gone")) == .wait(milliseconds: 5_000))
        #expect(manual.nextStep(storeIsComplete: true) == .stream)
        #expect(manual.failed(.slotLost("gone")) == .wait(milliseconds: 5_000))
        manual.requestResync()
        #expect(manual.nextStep(storeIsComplete: true) == .resync)
    }

    @Test func aSchemaMismatchIsReportedAndRetriedWithBackoffNeverSkipped() {
        var machine = FeedStateMachine(policy: Self.policy, hasFigures: true)
        _ = machine.nextStep(storeIsComplete: true)
        machine.streamStarted()
        #expect(machine.failed(.schemaMismatch("stock_quant: missing column(s) quantity")) == .wait(milliseconds: 100))
        #expect(machine.phase == .schemaMismatch)
        #expect(!machine.resyncPending)
        #expect(machine.nextStep(storeIsComplete: true) == .stream)
        #expect(machine.failed(.schemaMismatch("stock_quant: missing column(s) quantity")) == .wait(milliseconds: 200))
    }

    @Test func aStopWinsOverEveryOtherStep() {
        var machine = FeedStateMachine(policy: Self.policy, hasFigures: true)
        machine.requestResync()
        machine.requestStop()
        #expect(machine.nextStep(storeIsComplete: true) == .stop)
        #expect(machine.failed(.connection("lost")) == .stop)
    }

    @Test func aFailedSnapshotIsRetriedWithBackoff() {
        var machine = FeedStateMachine(policy: Self.policy, hasFigures: false)
        #expect(machine.nextStep(storeIsComplete: false) == .snapshot)
        #expect(machine.failed(.snapshotFailed("refused")) == .wait(milliseconds: 100))
        #expect(machine.phase == .snapshotting)
        #expect(machine.nextStep(storeIsComplete: false) == .snapshot)
        #expect(machine.failed(.snapshotFailed("refused")) == .wait(milliseconds: 200))
    }
}
