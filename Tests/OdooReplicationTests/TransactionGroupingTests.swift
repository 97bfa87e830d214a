import Testing

@testable import OdooReplication

/// The feed's group limit: small while it keeps up, doubling while it is behind, back to small once it has caught up.
struct TransactionGroupingTests {
    @Test func followingLiveKeepsTheBaseLimit() {
        var grouping = TransactionGrouping(base: 512, ceiling: 8_192)
        #expect(grouping.limit == 512)
        #expect(!grouping.isFull(511))
        #expect(grouping.isFull(512))
        grouping.caughtUp()
        #expect(grouping.limit == 512)
    }

    @Test func groupsThatFillWhileBehindDoubleUpToTheCeiling() {
        var grouping = TransactionGrouping(base: 512, ceiling: 8_192)
        var limits: [Int] = []
        for _ in 0..<7 {
            grouping.filledWhileBehind()
            limits.append(grouping.limit)
        }
        #expect(limits == [1_024, 2_048, 4_096, 8_192, 8_192, 8_192, 8_192])
        #expect(!grouping.isFull(8_191))
        #expect(grouping.isFull(8_192))
    }

    @Test func theFirstDryReadBringsTheLimitBack() {
        var grouping = TransactionGrouping(base: 512, ceiling: 8_192)
        grouping.filledWhileBehind()
        grouping.filledWhileBehind()
        #expect(grouping.limit == 2_048)
        grouping.caughtUp()
        #expect(grouping.limit == 512)
        #expect(grouping.isFull(512))
    }

    @Test func aCeilingThatIsNotAPowerOfTwoTimesTheBaseIsReachedExactly() {
        var grouping = TransactionGrouping(base: 100, ceiling: 1_000)
        for _ in 0..<10 { grouping.filledWhileBehind() }
        #expect(grouping.limit == 1_000)
    }

    @Test func aCeilingBelowTheBaseMeansNoGrowth() {
        var grouping = TransactionGrouping(base: 512, ceiling: 64)
        #expect(grouping.ceiling == 512)
        grouping.filledWhileBehind()
        #expect(grouping.limit == 512)
        #expect(TransactionGrouping(base: 0, ceiling: 0).limit == 1)
    }
}
