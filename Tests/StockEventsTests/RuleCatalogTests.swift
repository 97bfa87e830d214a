import Foundation
import ProjectionTestFixtures
import StockEvents
import StockProjection
import Testing

/// Rules from the file and the admin API together: precedence, refusals, the JSON form, the audit entries, and a
/// rule swap taking effect at the next commit boundary.
@Suite struct RuleCatalogTests {
    static let soldOut = EventRule(id: "sold-out", products: ProductSelector(all: true), condition: .outOfStock)
    static let back = EventRule(id: "back", products: ProductSelector(all: true), scope: .eachWarehouse, condition: .backInStock)
    static let low = EventRule(
        id: "chairs-low", products: ProductSelector(skuPatterns: ["CHAIR-*"], templates: [TemplateID(12)]), scope: .warehouses([WarehouseID(1)]),
        figure: .free, condition: .lowStock(threshold: Quantity(units: 5), rearm: Quantity(units: 8)))

    @Test func apiRulesOverrideFileRulesInPlaceAndComeAfterThemOtherwise() throws {
        var catalog = RuleCatalog(fileRules: [Self.soldOut, Self.back])
        let zeta = EventRule(id: "zeta", products: ProductSelector(skus: ["A"]), condition: .changed)
        let alpha = EventRule(id: "alpha", products: ProductSelector(skus: ["B"]), condition: .changed)
        #expect(try catalog.create(zeta).action == .create)
        _ = try catalog.create(alpha)
        var stricter = Self.soldOut
        stricter.figure = .onHand
        let change = try catalog.replace("sold-out", with: stricter)
        #expect(change == RuleChange(action: .override, ruleID: "sold-out", before: Self.soldOut, after: stricter))
        #expect(catalog.rules.map(\.id) == ["sold-out", "back", "alpha", "zeta"])
        #expect(catalog.rules[0] == stricter)
        #expect(catalog.rule("sold-out")?.source == .override)
        #expect(catalog.rule("back")?.source == .file)
        #expect(catalog.rule("zeta")?.source == .api)
        // A second change of an override is an update; deleting it brings the file's rule back.
        #expect(try catalog.replace("sold-out", with: Self.soldOut).action == .update)
        let deleted = try catalog.delete("sold-out")
        #expect(deleted.action == .delete && deleted.after == Self.soldOut)
        #expect(catalog.rule("sold-out")?.source == .file)
    }

    @Test func refusals() throws {
        var catalog = RuleCatalog(fileRules: [Self.soldOut], apiRules: [Self.back])
        #expect(throws: RuleCatalog.Refusal.exists("sold-out")) { try catalog.create(Self.soldOut) }
        #expect(throws: RuleCatalog.Refusal.exists("back")) { try catalog.create(Self.back) }
        #expect(throws: RuleCatalog.Refusal.fileRule("sold-out")) { try catalog.delete("sold-out") }
        #expect(throws: RuleCatalog.Refusal.notFound("nope")) { try catalog.delete("nope") }
        #expect(throws: RuleCatalog.Refusal.notFound("nope")) {
            try catalog.replace("nope", with: EventRule(id: "nope", products: .init(all: true), condition: .changed))
        }
        #expect(throws: RuleCatalog.Refusal.idMismatch(path: "back", body: "sold-out")) { try catalog.replace("back", with: Self.soldOut) }
        for bad in ["", "a/b", "a b", "é", String(repeating: "x", count: 129)] {
            #expect(throws: RuleCatalog.Refusal.invalidID(bad)) {
                try catalog.create(EventRule(id: bad, products: .init(all: true), condition: .changed))
            }
        }
        #expect(catalog.rules.map(\.id) == ["sold-out", "back"], "a refused change changes nothing")
    }

    @Test(arguments: [
        soldOut, back, low,
        EventRule(id: "loc", products: ProductSelector(skus: ["X"]), scope: .locations([LocationID(7)]), figure: .forecast, condition: .changed),
    ])
    func theJSONFormReadsBackToTheSameRule(rule: EventRule) throws {
        let data = try JSONSerialization.data(withJSONObject: rule.jsonObject)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(try RuleFile.rule(from: object) == rule)
    }

    /// Found by the conformance run: a malformed threshold on a rule that does not use one was ignored, and ids were
    /// truncated; both are refused now.
    @Test(arguments: [
        #"{"id": "r", "products": "all", "condition": "out_of_stock", "threshold": 0, "rearm": {}}"#,
        #"{"id": "r", "products": "all", "condition": "changed", "threshold": true}"#,
        #"{"id": "r", "templates": [1.5], "condition": "changed"}"#,
        #"{"id": "r", "templates": [true], "condition": "changed"}"#,
        #"{"id": "r", "products": "all", "warehouses": [4294967297], "condition": "changed"}"#,
        #"{"id": "r", "products": "all", "scope": {}, "condition": "changed"}"#,
    ])
    func malformedMembersAreRefusedEvenWhenUnused(text: String) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(throws: RuleFile.Problem.self) { try RuleFile.rule(from: object) }
    }

    @Test func auditKeysSortByTimeThenCounterAndEntriesSayWhoWhatBeforeAndAfter() throws {
        let keys = [
            ChangeAudit.key(.rule, milliseconds: 999, counter: 2), ChangeAudit.key(.rule, milliseconds: 1_000, counter: 1),
            ChangeAudit.key(.rule, milliseconds: 1_000, counter: 10),
        ]
        #expect(keys == keys.sorted())
        #expect(keys[0] == "audit/rule/0000000000999-000002")
        let entry = ChangeAudit.entry(
            kind: .rule, action: "override", target: "sold-out", actor: "ops-alice", milliseconds: 1_765_000_000_123, before: Self.soldOut.jsonObject,
            after: nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(entry)) as? [String: Any])
        #expect(object["actor"] as? String == "ops-alice")
        #expect(object["action"] as? String == "override")
        #expect(object["kind"] as? String == "rule" && object["target"] as? String == "sold-out")
        #expect(object["time"] as? Double == 1_765_000_000.123)
        #expect((object["before"] as? [String: Any])?["condition"] as? String == "out_of_stock")
        #expect(object["after"] is NSNull)
    }

    @Test func replacedRulesApplyFromTheNextTransaction() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "3")])
        let evaluator = EventEvaluator(rules: [])
        projection.setTransactionObserver(evaluator)
        let before = try projection.apply([Fixtures.transaction(0x1_0000_00A0, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "2")])])
        #expect(before.outbox.records.isEmpty)
        evaluator.replaceRules([EventRule(id: "moved", products: ProductSelector(skus: ["CHAIR-RED"]), figure: .onHand, condition: .changed)])
        let after = try projection.apply([Fixtures.transaction(0x1_0000_00B0, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "1")])])
        #expect(try after.outbox.records.map { try StockEvent.decode($0.payload).ruleID } == ["moved"])
        evaluator.replaceRules([])
        let removed = try projection.apply([Fixtures.transaction(0x1_0000_00C0, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "0")])])
        #expect(removed.outbox.records.isEmpty)
    }
}
