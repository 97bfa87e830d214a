import ProjectionTestFixtures
import StockEvents
import StockProjection
import Testing

/// The pure decision of each condition, including the low-stock hysteresis.
@Suite struct RuleDecisionTests {
    @Test(arguments: [("3", "0", true), ("3", "-1", true), ("0", "0", false), ("0", "2", false), ("3", "1", false)])
    func outOfStock(before: String, after: String, fires: Bool) throws {
        let decision = RuleDecision.evaluate(.outOfStock, before: try Quantity(parsing: before), after: try Quantity(parsing: after), armed: true)
        #expect(decision.fires == fires)
    }

    @Test(arguments: [("0", "1", true), ("-2", "0.5", true), ("1", "2", false), ("0", "0", false), ("2", "0", false)])
    func backInStock(before: String, after: String, fires: Bool) throws {
        let decision = RuleDecision.evaluate(.backInStock, before: try Quantity(parsing: before), after: try Quantity(parsing: after), armed: true)
        #expect(decision.fires == fires)
    }

    @Test func changedFiresOnAnyDifference() {
        #expect(RuleDecision.evaluate(.changed, before: "1", after: "1.5", armed: true).fires)
        #expect(!RuleDecision.evaluate(.changed, before: "1", after: "1", armed: true).fires)
    }

    @Test func lowStockDoesNotFlapAroundTheThreshold() {
        let condition = RuleCondition.lowStock(threshold: "5", rearm: "8")
        var armed = true
        var fired: [Bool] = []
        var previous: Quantity = "10"
        // Falls below, hovers around the threshold, rises to the re-arm level, falls again.
        for value: Quantity in ["4", "5", "4", "6", "3", "8", "7", "4"] {
            let decision = RuleDecision.evaluate(condition, before: previous, after: value, armed: armed)
            fired.append(decision.fires)
            armed = decision.armed
            previous = value
        }
        #expect(fired == [true, false, false, false, false, false, false, true])
    }

    @Test func lowStockStartingLowStaysQuietUntilRearmed() {
        let condition = RuleCondition.lowStock(threshold: "5", rearm: "5")
        let first = RuleDecision.evaluate(condition, before: "3", after: "2", armed: true)
        #expect(!first.fires && !first.armed)
        let rearmed = RuleDecision.evaluate(condition, before: "2", after: "6", armed: first.armed)
        #expect(!rearmed.fires && rearmed.armed)
        #expect(RuleDecision.evaluate(condition, before: "6", after: "1", armed: rearmed.armed).fires)
    }
}
