import PostgresReplicationWire
import Testing

@testable import OdooReplication

/// The feed's history ring (lag and rates for the status page) and its recent-errors log.
@Suite struct FeedHistoryTests {
    static func sample(_ second: Int64, transactions: Int, rows: Int = 0, lag: Int64? = 0) -> FeedSample {
        FeedSample(time: second * 1_000_000, transactions: transactions, rowChanges: rows, lagBytes: 0, lagMilliseconds: lag)
    }

    @Test func keepsOneSampleAnIntervalAndTheNewestCapacity() {
        var history = FeedHistory(capacity: 3, interval: 1_000_000)
        let first = history.record(Self.sample(10, transactions: 0))
        let tooSoon = history.record(FeedSample(time: 10_900_000, transactions: 5, rowChanges: 0, lagBytes: 0, lagMilliseconds: 0))
        #expect(first && !tooSoon)
        for second in Int64(11)...14 {
            let kept = history.record(Self.sample(second, transactions: Int(second)))
            #expect(kept)
        }
        #expect(history.samples.map(\.time) == [12_000_000, 13_000_000, 14_000_000])
        #expect(history.latest?.transactions == 14)
    }

    @Test func ratesArePerSecondBetweenSamplesAndNeverNegative() {
        var history = FeedHistory(capacity: 10)
        history.record(Self.sample(0, transactions: 0, rows: 0))
        history.record(Self.sample(2, transactions: 40, rows: 100))
        history.record(Self.sample(3, transactions: 50, rows: 130))
        history.record(Self.sample(4, transactions: 3, rows: 3))  // a resync reset the counters
        let points = history.ratePoints
        #expect(points.map(\.transactionsPerSecond) == [20, 10, 0])
        #expect(points.map(\.rowChangesPerSecond) == [50, 30, 0])
        #expect(points.map(\.sample.time) == [2_000_000, 3_000_000, 4_000_000])
    }

    @Test func currentRatesSpanTheWindow() throws {
        var history = FeedHistory(capacity: 20)
        #expect(history.rates() == nil)
        for second in Int64(0)...10 { history.record(Self.sample(second, transactions: Int(second) * 7, rows: Int(second) * 21)) }
        let rates = try #require(history.rates(window: 5_000_000))
        #expect(rates.transactionsPerSecond == 7)
        #expect(rates.rowChangesPerSecond == 21)
        history.record(Self.sample(30, transactions: 70 + 100))  // 20 s later: only the last two samples are in the window
        #expect(history.rates(window: 5_000_000)?.transactionsPerSecond == 5)
    }

    @Test func repeatedErrorsAreCountedOnceAndOldOnesDropOut() {
        var log = FeedErrorLog(capacity: 2)
        log.record(.replication, "connection refused", at: 1)
        log.record(.replication, "connection refused", at: 2)
        #expect(log.entries == [.init(time: 2, kind: .replication, message: "connection refused", count: 2)])
        log.record(.mapping, "stock_quant: bad quantity", at: 3)
        log.record(.anomaly, "delete of unknown quant 7", at: 4)
        #expect(log.entries.map(\.message) == ["delete of unknown quant 7", "stock_quant: bad quantity"])
        #expect(log.total == 4)
    }

    @Test func settingANewLastErrorRecordsIt() {
        var status = FeedStatus()
        status.lastError = "server closed the connection"
        status.lastError = "server closed the connection"
        status.lastError = nil
        status.lastError = "slot lost"
        #expect(status.recentErrors.entries.map(\.message) == ["slot lost", "server closed the connection"])
        #expect(status.recentErrors.entries.allSatisfy { $0.kind == .replication })
        status.recordProblems(mapping: ["product_product: no id"], anomalies: ["delete of unknown quant 9"], now: 5)
        #expect(status.recentErrors.entries.prefix(2).map(\.kind) == [.anomaly, .mapping])
    }

    @Test func statusSamplesItsCountersAndLag() {
        var status = FeedStatus()
        status.phase = .streaming
        status.appliedLSN = 100
        status.serverWALEnd = 100
        status.lastMessageTime = 1_000_000  // caught up: the lag is the time since the server last said so
        status.sampleIfDue(now: 1_000_000)
        status.transactions = 30
        status.rowChanges = 90
        status.sampleIfDue(now: 1_500_000)  // too soon: dropped
        status.lastMessageTime = 2_000_000
        status.sampleIfDue(now: 2_000_000)
        status.serverWALEnd = 400  // 300 bytes behind: the lag is the time since the last applied commit
        status.appliedCommitTime = 2_000_000
        status.sampleIfDue(now: 3_250_000)
        #expect(status.history.samples.map(\.time) == [1_000_000, 2_000_000, 3_250_000])
        #expect(status.history.samples.map(\.lagMilliseconds) == [0, 0, 1_250])
        #expect(status.history.samples.last?.lagBytes == 300)
        #expect(status.history.ratePoints.first?.transactionsPerSecond == 30)
    }

    /// A caught-up stream whose server has gone silent shows growing lag, never a constant 0.
    @Test func aSilentServerShowsAsGrowingLag() {
        var status = FeedStatus()
        status.phase = .streaming
        status.appliedLSN = 100
        status.serverWALEnd = 100
        status.lastMessageTime = 10_000_000
        #expect(status.lagMilliseconds(now: 10_200_000) == 200)
        #expect(status.lagMilliseconds(now: 40_000_000) == 30_000)
        status.lastMessageTime = nil
        #expect(status.lagMilliseconds(now: 40_000_000) == nil)
    }
}
