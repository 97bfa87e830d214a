import Foundation
import ProjectionTestFixtures
import StockEvents
import StockProjection
import StockStorage
import TestSupport
import Testing

/// Rules evaluated at commit boundaries: which events fire, their ids and content, kits through the reverse
/// index, and the outbox written with the rows.
@Suite struct EventEvaluatorTests {
    static let rules = [
        EventRule(id: "chair-out", products: ProductSelector(skus: ["CHAIR-RED"]), condition: .outOfStock),
        EventRule(id: "chair-back", products: ProductSelector(skuPatterns: ["CHAIR-*"]), condition: .backInStock),
        EventRule(id: "per-warehouse", products: ProductSelector(all: true), scope: .eachWarehouse, figure: .onHand, condition: .changed),
        EventRule(id: "kit-out", products: ProductSelector(skus: ["KIT"]), condition: .outOfStock),
    ]

    static func events(_ batch: OutboxBatch) throws -> [StockEvent] { try batch.records.map { try StockEvent.decode($0.payload) } }

    @Test func firesOnTheFiguresATransactionChanged() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "3")])
        projection.setTransactionObserver(EventEvaluator(rules: Self.rules))
        // Sold out in WH, then back in EU.
        let sold = try projection.apply([Fixtures.transaction(0x1_0000_00A0, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "0")])])
        let soldEvents = try Self.events(sold.outbox)
        #expect(soldEvents.map(\.ruleID) == ["chair-out", "per-warehouse"])
        #expect(soldEvents.map(\.id) == ["evt_00000001000000a0_0", "evt_00000001000000a0_1"])
        #expect(sold.outbox.records.map(\.key.description) == soldEvents.map(\.id))
        let out = soldEvents[0]
        #expect(out.type == "out_of_stock")
        #expect(out.product == StockEvent.Product(variantID: 100, sku: "CHAIR-RED", barcode: "5901234123457", kit: false))
        #expect(out.scope == StockEvent.Scope(kind: "total"))
        #expect(out.before == "3" && out.after == "0" && out.figure == "available")
        #expect(out.commitLSN == "1/A0")
        #expect(soldEvents[1].scope == StockEvent.Scope(kind: "warehouse", warehouseID: 1, warehouseCode: "WH"))

        let back = try projection.apply([Fixtures.transaction(0x1_0000_00B0, [Fixtures.quant(2, Fixtures.chair, Fixtures.euStock, "2")])])
        let backEvents = try Self.events(back.outbox)
        #expect(backEvents.map(\.ruleID) == ["chair-back", "per-warehouse"])
        #expect(backEvents[1].scope.warehouseID == 2)
        // A change outside every rule's products and scopes fires nothing; a reservation changes no on-hand figure.
        let quiet = try projection.apply([
            Fixtures.transaction(0x1_0000_00C0, [Fixtures.quant(2, Fixtures.chair, Fixtures.euStock, "2", reserved: "1")])
        ])
        #expect(quiet.outbox.records.isEmpty)
    }

    /// Rules on the forecast figures (issue 14) fire when open moves change, even with no quant touched:
    /// purchasing hears when the open deliveries outgrow what is on hand and coming in.
    @Test func rulesOnForecastFiguresFireWhenOpenMovesChange() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "3")])
        projection.setTransactionObserver(
            EventEvaluator(rules: [
                EventRule(id: "incoming", products: ProductSelector(skus: ["CHAIR-RED"]), figure: .incoming, condition: .changed),
                EventRule(id: "short", products: ProductSelector(skus: ["CHAIR-RED"]), figure: .forecast, condition: .outOfStock),
                EventRule(id: "on-hand", products: ProductSelector(skus: ["CHAIR-RED"]), figure: .onHand, condition: .changed),
            ]))
        func move(_ id: Int32, _ quantity: Quantity, from source: LocationID, to destination: LocationID) -> StockChange {
            .upsertMove(
                StockMove(
                    id: MoveID(id), variantID: Fixtures.chair, quantity: quantity, state: .confirmed, sourceID: source,
                    destinationID: destination, finalDestinationID: nil, date: 1_765_000_000_000_000))
        }
        // A receipt of 5 is planned: incoming 0 → 5; on hand does not move.
        let planned = try Self.events(
            projection.apply([Fixtures.transaction(0x50, [move(1, "5", from: Fixtures.vendors, to: Fixtures.whStock)])]).outbox)
        #expect(planned.map(\.ruleID) == ["incoming"])
        #expect(planned.first.map { [$0.figure, $0.before, $0.after] } == ["incoming", "0", "5"])
        // The receipt is cancelled and a delivery of 3 is confirmed: forecast 3 + 5 → 3 − 3 = 0, out of stock.
        let short = try Self.events(
            projection.apply([Fixtures.transaction(0x60, [.closeMove(MoveID(1)), move(2, "3", from: Fixtures.shelf1, to: Fixtures.customers)])])
                .outbox)
        #expect(short.map(\.ruleID) == ["incoming", "short"])
        #expect(short.last.map { [$0.figure, $0.before, $0.after] } == ["forecast", "8", "0"])
    }

    @Test func eachTransactionOfAGroupIsEvaluatedAtItsOwnBoundary() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "1")])
        projection.setTransactionObserver(EventEvaluator(rules: Array(Self.rules.prefix(2))))
        // Out and back within one group: both events, each with its transaction's LSN.
        let report = try projection.apply([
            Fixtures.transaction(0x20, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "0")]),
            Fixtures.transaction(0x30, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "5")]),
        ])
        #expect(try Self.events(report.outbox).map(\.id) == ["evt_0000000000000020_0", "evt_0000000000000030_0"])
        #expect(try Self.events(report.outbox).map(\.type) == ["out_of_stock", "back_in_stock"])
    }

    @Test func kitsFireThroughTheirComponents() throws {
        let unit = UnitID(1)
        let kit = VariantID(500)
        let kitRows: [StockChange] = [
            .upsertUnit(UnitOfMeasure(id: unit, categoryID: 1, factor: "1", rounding: "0.01", active: true)),
            .upsertTemplate(ProductTemplate(id: TemplateID(500), storable: false, unitID: unit, active: true)),
            .upsertVariant(ProductVariant(id: kit, templateID: TemplateID(500), sku: "KIT", barcode: nil, active: true)),
            .upsertBoM(
                BillOfMaterials(
                    id: BoMID(1), templateID: TemplateID(500), variantID: kit, isKit: true, quantity: "1", unitID: unit, active: true,
                    sequence: 10, companyID: nil)),
            .upsertBoMLine(BoMLine(id: BoMLineID(1), bomID: BoMID(1), componentID: Fixtures.chair, quantity: "2", unitID: unit, sequence: 1)),
        ]
        let projection = try Fixtures.projection(kitRows + [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "3")])
        #expect(projection.snapshot().isKit(kit))
        projection.setTransactionObserver(EventEvaluator(rules: [Self.rules[3]]))
        // 3 chairs make one kit; 1 chair makes none.
        let report = try projection.apply([Fixtures.transaction(0x40, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "1")])])
        let events = try Self.events(report.outbox)
        #expect(events.count == 1)
        #expect(events.first?.product == StockEvent.Product(variantID: 500, sku: "KIT", barcode: nil, kit: true))
        #expect(events.first?.before == "1" && events.first?.after == "0")
    }

    @Test func theOutboxIsWrittenWithTheRowsAndAReplayAddsNothing() throws {
        let directory = TemporaryDirectory()
        let store = try LMDBProjectionStore(
            path: directory.path + "/store", initialMapSize: 16 << 20, outboxRetention: OutboxRetention(maxAgeSeconds: nil))
        let projection = StockProjection(state: try store.load(settings: ProjectionSettings()))
        try projection.apply(
            [Fixtures.transaction(1, Fixtures.tree + [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "1")])], persistingTo: store)
        projection.setTransactionObserver(EventEvaluator(rules: Array(Self.rules.prefix(2))))
        let transactions = (0..<10).map { step in
            Fixtures.transaction(UInt64(0x100 + step), [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, step % 2 == 0 ? "0" : "1")])
        }
        try projection.apply(transactions, persistingTo: store)
        let stored = try store.outboxRecords(after: nil, limit: 100)
        #expect(stored.count == 10)
        #expect(stored.map(\.key) == (0..<10).map { OutboxKey(position: UInt64(0x100 + $0), index: 0) })
        #expect(try store.outboxRecords(after: stored[4].key, limit: 2).map(\.key) == [stored[5].key, stored[6].key])

        // Restart: the same transactions again are skipped, and add nothing to the outbox.
        let reopened = StockProjection(state: try store.load(settings: ProjectionSettings()))
        reopened.setTransactionObserver(EventEvaluator(rules: Array(Self.rules.prefix(2))))
        let replay = try reopened.apply(transactions, persistingTo: store)
        #expect(replay.skipped == 10 && replay.outbox.records.isEmpty)
        #expect(try store.outboxBounds().count == 10)
    }

    @Test func retentionKeepsTheNewestAndCountsWhatItDrops() throws {
        let directory = TemporaryDirectory()
        let store = try LMDBProjectionStore(
            path: directory.path + "/store", initialMapSize: 16 << 20, outboxRetention: OutboxRetention(maxCount: 4, maxAgeSeconds: nil))
        let projection = StockProjection(state: try store.load(settings: ProjectionSettings()))
        try projection.apply(
            [Fixtures.transaction(1, Fixtures.tree + [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "1")])], persistingTo: store)
        projection.setTransactionObserver(EventEvaluator(rules: Array(Self.rules.prefix(2))))
        for step in 0..<10 {
            try projection.apply(
                [Fixtures.transaction(UInt64(0x100 + step), [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, step % 2 == 0 ? "0" : "1")])],
                persistingTo: store)
        }
        let bounds = try store.outboxBounds()
        #expect(bounds.count == 4)
        #expect(bounds.oldest == OutboxKey(position: 0x106, index: 0))
        #expect(bounds.newest == OutboxKey(position: 0x109, index: 0))
        #expect(store.outboxDropped == 6)
    }

    @Test func aDisarmedLowStockRuleStaysDisarmedAcrossARestart() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/store"
        let rule = EventRule(id: "low", products: ProductSelector(skus: ["CHAIR-RED"]), condition: .lowStock(threshold: "5", rearm: "8"))
        var store = try LMDBProjectionStore(path: path, initialMapSize: 16 << 20, outboxRetention: OutboxRetention(maxAgeSeconds: nil))
        var projection = StockProjection(state: try store.load(settings: ProjectionSettings()))
        projection.setTransactionObserver(EventEvaluator(rules: [rule]))
        try projection.apply(
            [Fixtures.transaction(1, Fixtures.tree + [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "10")])], persistingTo: store)
        let low = try projection.apply([Fixtures.transaction(2, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "4")])], persistingTo: store)
        #expect(try Self.events(low.outbox).map(\.type) == ["low_stock"])
        #expect(try store.eventStateValues(prefix: EventEvaluator.stateKeyPrefix).map(\.key) == ["low/low/100/total"])

        store = try LMDBProjectionStore(path: path, initialMapSize: 16 << 20, outboxRetention: OutboxRetention(maxAgeSeconds: nil))
        projection = StockProjection(state: try store.load(settings: ProjectionSettings()))
        let disarmed = try store.eventStateValues(prefix: EventEvaluator.stateKeyPrefix).map(\.key)
        projection.setTransactionObserver(EventEvaluator(rules: [rule], disarmed: disarmed))
        // Hovering between the threshold and the re-arm level fires nothing; rising to it re-arms.
        let hover = try projection.apply(
            [
                Fixtures.transaction(3, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "6")]),
                Fixtures.transaction(4, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "4")]),
                Fixtures.transaction(5, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "9")]),
            ], persistingTo: store)
        #expect(hover.outbox.records.isEmpty)
        #expect(try store.eventStateValues(prefix: EventEvaluator.stateKeyPrefix).isEmpty)
        let again = try projection.apply([Fixtures.transaction(6, [Fixtures.quant(1, Fixtures.chair, Fixtures.shelf1, "2")])], persistingTo: store)
        #expect(try Self.events(again.outbox).map(\.id) == ["evt_0000000000000006_0"])
    }

    @Test func eventIDsRoundTrip() {
        let key = OutboxKey(position: 0x16B_3748, index: 3)
        #expect(key.description == "evt_00000000016b3748_3")
        #expect(OutboxKey(eventID: key.description) == key)
        #expect(OutboxKey(bytes: key.bytes) == key)
        #expect(OutboxKey(eventID: "evt_zz_1") == nil)
    }
}
