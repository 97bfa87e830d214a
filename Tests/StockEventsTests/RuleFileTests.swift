import Foundation
import ProjectionTestFixtures
import StockEvents
import StockProjection
import Testing

/// Rule files: every form the documentation shows, and the mistakes reported with the rule's id.
@Suite struct RuleFileTests {
    @Test func parsesEveryForm() throws {
        let rules = try RuleFile.parse(
            Data(
                """
                {"rules": [
                  {"id": "sold-out", "products": "all", "condition": "out_of_stock"},
                  {"id": "chairs-low", "sku_patterns": ["CHAIR-*"], "scope": "each_warehouse",
                   "condition": "low_stock", "threshold": 5, "rearm": "8.5"},
                  {"id": "wh1", "skus": ["DESK"], "templates": [12], "warehouses": [1], "figure": "on_hand", "condition": "changed"},
                  {"id": "bin", "skus": ["DESK"], "locations": [13, 14], "figure": "free", "condition": "back_in_stock"}
                ]}
                """.utf8))
        #expect(rules.count == 4)
        #expect(rules[0] == EventRule(id: "sold-out", products: ProductSelector(all: true), condition: .outOfStock))
        #expect(rules[1].scope == .eachWarehouse)
        #expect(rules[1].condition == .lowStock(threshold: "5", rearm: "8.5"))
        #expect(rules[1].products.skuPatterns == ["CHAIR-*"])
        #expect(rules[2].scope == .warehouses([WarehouseID(1)]))
        #expect(rules[2].products.templates == [TemplateID(12)])
        #expect(rules[2].figure == .onHand)
        #expect(rules[3].scope == .locations([LocationID(13), LocationID(14)]))
        #expect(rules[3].figure == .free)
    }

    @Test(arguments: [
        (#"{"rules":[{"id":"a","condition":"changed"}]}"#, "rule a: names no products"),
        (#"{"rules":[{"id":"a","products":"all","condition":"sold"}]}"#, "rule a: condition must be"),
        (#"{"rules":[{"id":"a","products":"all","condition":"low_stock"}]}"#, "rule a: low_stock needs a threshold"),
        (#"{"rules":[{"id":"a","products":"all","condition":"low_stock","threshold":5,"rearm":2}]}"#, "rule a: rearm must be"),
        (#"{"rules":[{"id":"a","products":"all","condition":"changed"},{"id":"a","products":"all","condition":"changed"}]}"#, "appears twice"),
        (#"{"rules":[{"id":"a","products":"all","figure":"reserved","condition":"changed"}]}"#, "rule a: unknown figure"),
        ("[1", "not JSON"),
    ])
    func reportsMistakes(text: String, message: String) {
        #expect {
            try RuleFile.parse(Data(text.utf8))
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func indexFindsOnlyRulesThatCanMatch() {
        let rules = [
            EventRule(id: "all", products: ProductSelector(all: true), condition: .changed),
            EventRule(id: "sku", products: ProductSelector(skus: ["DESK"]), condition: .changed),
            EventRule(id: "pattern", products: ProductSelector(skuPatterns: ["CH*-R*D"]), condition: .changed),
            EventRule(id: "star", products: ProductSelector(skuPatterns: ["*RED"]), condition: .changed),
            EventRule(id: "template", products: ProductSelector(templates: [TemplateID(7)]), condition: .changed),
        ]
        let index = RuleIndex(rules: rules)
        #expect(index.matching(sku: "DESK", template: TemplateID(1)) == [0, 1])
        #expect(index.matching(sku: "CHAIR-RED", template: TemplateID(7)) == [0, 2, 3, 4])
        #expect(index.matching(sku: "CHAIR-BLUE", template: nil) == [0])
        #expect(index.matching(sku: nil, template: nil) == [0])
    }
}
