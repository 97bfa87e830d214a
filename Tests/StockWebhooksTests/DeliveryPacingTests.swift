import Foundation
import StockProjection
import Testing

@testable import StockWebhooks

@Suite struct DeliveryPacingTests {
    static let behind = DeliveryPacing.Writer(lag: .seconds(5), sinceCommit: .milliseconds(1))
    static let live = DeliveryPacing.Writer(lag: .milliseconds(3), sinceCommit: .milliseconds(1))
    static let idle = DeliveryPacing.Writer(lag: .seconds(5), sinceCommit: .seconds(1))

    static func pacing(maximum: Duration = .milliseconds(100)) -> DeliveryPacing {
        DeliveryPacing(gather: .milliseconds(5), maximum: maximum, backlogLag: .seconds(1))
    }

    /// Sleeps through a pause while the writer stays behind; returns the slices slept and the read that ends it.
    static func sleepThrough(_ pacing: inout DeliveryPacing, first: DeliveryPacing.Action) -> (slept: Duration, then: DeliveryPacing.Action) {
        var action = first
        var slept = Duration.zero
        while case .sleep(let duration) = action {
            #expect(duration <= .milliseconds(5), "a pause looks at the writer again after each gather interval")
            slept += duration
            action = pacing.slept(writer: behind, controlChanged: false)
        }
        return (slept, action)
    }

    @Test func followingALiveWriterGathersAndReadsABacklogAtOnce() {
        var pacing = Self.pacing()
        #expect(pacing.start() == .read(oneMessage: false))
        #expect(pacing.afterRead(.caughtUp, writer: Self.live) == .sleep(.milliseconds(5)))
        #expect(pacing.slept(writer: Self.live, controlChanged: false) == .read(oneMessage: false))
        // A full read while the writer is live (a subscription behind, a burst): read on at once.
        #expect(pacing.afterRead(.more, writer: Self.live) == .read(oneMessage: false))
        #expect(pacing.afterRead(.idle, writer: Self.live) == .waitForWakeUp)
        #expect(pacing.woken() == .sleep(.milliseconds(5)))
        #expect(pacing.slept(writer: Self.live, controlChanged: false) == .read(oneMessage: false))
        // Before the writer's first commit, and with a writer that went idle, the same.
        #expect(pacing.afterRead(.more, writer: nil) == .read(oneMessage: false))
        #expect(pacing.afterRead(.more, writer: Self.idle) == .read(oneMessage: false))
    }

    @Test func whileTheWriterIsBehindPausesGrowToTheMaximumAndReadOneMessage() {
        var pacing = Self.pacing()
        _ = pacing.start()
        var pauses: [Duration] = []
        for read in [DeliveryPacing.Read.caughtUp, .more, .more, .caughtUp, .more, .more] {
            let (slept, then) = Self.sleepThrough(&pacing, first: pacing.afterRead(read, writer: Self.behind))
            pauses.append(slept)
            #expect(then == .read(oneMessage: true))
        }
        #expect(pauses == [10, 20, 40, 80, 100, 100].map { .milliseconds($0) })
        // The writer caught up (its commits are young again): back to the gather interval and full reads.
        #expect(pacing.afterRead(.caughtUp, writer: Self.live) == .sleep(.milliseconds(5)))
        #expect(pacing.slept(writer: Self.live, controlChanged: false) == .read(oneMessage: false))
        #expect(pacing.interval == .milliseconds(5))
    }

    @Test func aPauseEndsAtOnceWhenTheWriterGoesIdleOrLiveOrAnOperatorActs() {
        for (writer, control) in [(Self.idle, false), (Self.live, false), (Self.behind, true)] {
            var pacing = Self.pacing()
            _ = pacing.start()
            _ = pacing.afterRead(.more, writer: Self.behind)
            #expect(pacing.afterRead(.more, writer: Self.behind) == .sleep(.milliseconds(5)))
            #expect(pacing.isPausing)
            #expect(pacing.slept(writer: writer, controlChanged: control) == .read(oneMessage: false))
            #expect(!pacing.isPausing)
        }
    }

    @Test func anIdleReadWaitsForAWakeUpEvenWhileTheWriterIsBehind() {
        var pacing = Self.pacing()
        _ = pacing.start()
        _ = pacing.afterRead(.more, writer: Self.behind)
        #expect(pacing.afterRead(.idle, writer: Self.behind) == .waitForWakeUp)
        #expect(pacing.interval == .milliseconds(5))
        #expect(pacing.woken() == .sleep(.milliseconds(5)))
        #expect(pacing.slept(writer: Self.behind, controlChanged: false) == .read(oneMessage: false))
    }

    @Test func aMaximumOfZeroNeverPauses() {
        var pacing = Self.pacing(maximum: .zero)
        _ = pacing.start()
        #expect(!pacing.isBehind(Self.behind))
        #expect(pacing.afterRead(.more, writer: Self.behind) == .read(oneMessage: false))
        #expect(pacing.afterRead(.caughtUp, writer: Self.behind) == .sleep(.milliseconds(5)))
        #expect(pacing.slept(writer: Self.behind, controlChanged: false) == .read(oneMessage: false))
    }

    @Test func theWriterActivityComesFromItsNotifications() throws {
        let wakeUp = WebhookWakeUp()
        let clock = ContinuousClock()
        #expect(wakeUp.writerActivity(now: clock.now) == nil)
        let before = wakeUp.generation
        wakeUp.notify(committed: [])
        #expect(wakeUp.generation == before, "a commit that added nothing wakes nobody")
        let micros = Int64(Date().timeIntervalSince1970 * 1_000_000)
        wakeUp.notify(committed: [
            OutboxRecord(key: OutboxKey(position: 1, index: 0), commitTime: micros - 9_000_000, payload: []),
            OutboxRecord(key: OutboxKey(position: 1, index: 1), commitTime: micros - 3_000_000, payload: []),
        ])
        #expect(wakeUp.generation == before + 1)
        let writer = try #require(wakeUp.writerActivity(now: clock.now))
        #expect(writer.lag >= .seconds(3) && writer.lag < .seconds(4), "the newest record's age")
        #expect(writer.sinceCommit < .seconds(1))
        #expect(Self.pacing().isBehind(writer))
    }
}
