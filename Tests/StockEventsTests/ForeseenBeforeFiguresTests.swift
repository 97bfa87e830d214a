import StockCatalogue
import StockEvents
import Testing

@testable import StockProjection

/// The evaluator's "before" figures, prepared before a transaction of quants and moves (what the projection does
/// to avoid copying its state per transaction), give exactly the events of the whole state before it: over random
/// Odoo-like streams (stock operations, open moves, BoM edits, kits) and hand-made awkward rows (a quant rewritten
/// to another product, deleted, updated twice in one transaction; a move moved between variants and closed), two
/// projections, one preparing and one handed the whole state, write the same outbox, and nothing is unforeseen.
@Suite struct ForeseenBeforeFiguresTests {
    static let rules: [EventRule] = [
        EventRule(id: "out", products: ProductSelector(all: true), condition: .outOfStock),
        EventRule(id: "back-wh", products: ProductSelector(all: true), scope: .eachWarehouse, condition: .backInStock),
        EventRule(id: "on-hand", products: ProductSelector(all: true), scope: .eachWarehouse, figure: .onHand, condition: .changed),
        EventRule(
            id: "free-low", products: ProductSelector(all: true), figure: .free,
            condition: .lowStock(threshold: Quantity(units: 4), rearm: Quantity(units: 6))),
        EventRule(id: "forecast", products: ProductSelector(all: true), scope: .eachWarehouse, figure: .forecast, condition: .changed),
        EventRule(id: "incoming", products: ProductSelector(skuPatterns: ["*1*"]), figure: .incoming, condition: .changed),
    ]

    @Test(arguments: [UInt64(3), 11, 29])
    func preparedBeforeFiguresGiveTheEventsOfTheWholeState(seed: UInt64) throws {
        let catalogue = OdooCatalogue(
            shape: CatalogueShape(variants: 160, warehouses: 2, shelvesPerWarehouse: 1, levelsPerVariant: 2, kits: 12, seed: seed))
        var state = ProjectionState(checkpoint: Checkpoint(position: 1))
        for change in catalogue.allChanges { state.load(change) }
        state.finishLoading()
        let preparing = StockProjection(state: state, foreseeingObservedChanges: true)
        let whole = StockProjection(state: state, foreseeingObservedChanges: false)
        preparing.setTransactionObserver(EventEvaluator(rules: Self.rules))
        whole.setTransactionObserver(EventEvaluator(rules: Self.rules))

        var operations = OdooOperations(catalogue: catalogue, seed: seed, startPosition: 1_000)
        operations.moveRate = 3
        var random = SeededGenerator(seed: seed)
        var position: UInt64 = 500_000
        var events = 0
        var preparedTransactions = 0
        for _ in 0..<150 {
            var group: [SourceTransaction] = []
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                if Int.random(in: 0..<8, using: &random) == 0 {
                    position += 16
                    group.append(Self.awkward(position: position, catalogue: catalogue, random: &random))
                } else {
                    group.append(operations.next())
                }
            }
            // Both streams must stay in commit order: number the whole group after the larger of the two.
            group = Self.renumbered(group, from: &position)
            preparedTransactions += group.count { $0.changes.allSatisfy(Self.isStockOnly) }
            let prepared = try preparing.apply(group)
            let reference = try whole.apply(group)
            #expect(prepared.anomalies.filter { if case .unforeseenChange = $0 { true } else { false } }.isEmpty)
            let preparedEvents = prepared.outbox.records.map(Self.text)
            let referenceEvents = reference.outbox.records.map(Self.text)
            // Only the first difference, readable: a full dump of both outboxes buries it.
            let firstDifference = zip(preparedEvents, referenceEvents).first { $0 != $1 }
            #expect(firstDifference == nil)
            #expect(preparedEvents.count == referenceEvents.count)
            #expect(prepared.outbox.state == reference.outbox.state)
            events += reference.outbox.records.count
        }
        // The comparison means something only if both paths were taken and rules fired.
        #expect(events > 300)
        #expect(preparedTransactions > 800)
    }

    static func text(_ record: OutboxRecord) -> String { "\(record.key) " + String(decoding: record.payload, as: UTF8.self) }

    static func isStockOnly(_ change: StockChange) -> Bool {
        switch change {
        case .upsertQuant, .deleteQuant, .upsertMove, .closeMove: true
        default: false
        }
    }

    static func renumbered(_ group: [SourceTransaction], from position: inout UInt64) -> [SourceTransaction] {
        group.map { transaction in
            position += 16
            var renumbered = transaction
            renumbered.checkpoint = Checkpoint(position: position, commitTime: transaction.checkpoint.commitTime)
            return renumbered
        }
    }

    /// Rows Odoo rarely or never writes, but a hand edit or a replay can: each must be foreseen.
    static func awkward(position: UInt64, catalogue: OdooCatalogue, random: inout SeededGenerator) -> SourceTransaction {
        let variants = catalogue.variants.map(\.id)
        let locations = catalogue.locations.map(\.id)
        func variant() -> VariantID { variants.randomElement(using: &random)! }
        func location() -> LocationID { locations.randomElement(using: &random)! }
        let quant = QuantID(Int32.random(in: 1...400, using: &random))
        let move = MoveID(Int32.random(in: 1...60, using: &random))
        func quantRow() -> StockChange {
            .upsertQuant(
                Quant(
                    id: quant, variantID: variant(), locationID: location(), quantity: Quantity(units: Int.random(in: 0...9, using: &random)),
                    reserved: .zero))
        }
        func moveRow(_ state: StockMove.State) -> StockChange {
            .upsertMove(
                StockMove(
                    id: move, variantID: variant(), quantity: Quantity(units: Int.random(in: 1...5, using: &random)), state: state,
                    sourceID: location(), destinationID: location(), finalDestinationID: nil, date: 1_700_000_000_000_000))
        }
        let changes: [StockChange] =
            switch Int.random(in: 0..<6, using: &random) {
            case 0: [quantRow()]  // often another product than the one holding the quant
            case 1: [.deleteQuant(quant)]
            case 2: [quantRow(), quantRow()]
            case 3: [moveRow(.confirmed), moveRow(.assigned)]
            case 4: [.closeMove(move)]
            default: [moveRow(.done)]
            }
        return SourceTransaction(checkpoint: Checkpoint(position: position), changes: changes)
    }
}
