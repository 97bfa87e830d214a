import ProjectionTestFixtures
import StockProjection
import Testing

/// Incoming, outgoing and forecast as Odoo's `_compute_quantities_dict` gives them from open moves, per scope, with
/// 18's `location_final_id`, `to_date`, the next receipt, the schedule and kits.
@Suite struct ForecastTests {
    static let day: Int64 = 86_400_000_000
    static let start: Int64 = 1_800_000_000_000_000

    static func move(
        _ id: Int32, _ variant: VariantID, _ quantity: Quantity, from source: LocationID, to destination: LocationID,
        final: LocationID? = nil, state: StockMove.State = .confirmed, day: Int64 = 1
    ) -> StockChange {
        .upsertMove(
            StockMove(
                id: MoveID(id), variantID: variant, quantity: quantity, state: state, sourceID: source, destinationID: destination,
                finalDestinationID: final, date: start + day * Self.day))
    }

    static func forecast(
        _ projection: StockProjection, _ variant: VariantID, _ scope: StockScope = .everywhere, toDate: Int64? = nil
    ) throws
        -> ForecastFigures
    {
        let snapshot = projection.snapshot()
        return snapshot.forecast(for: variant, in: try snapshot.resolve(scope), toDate: toDate)
    }

    /// An open move is kept in 28 bytes in its variant's list (the variant's 4-byte span and the id's owner entry,
    /// about 6 B, come on top; see docs/benchmarks.md for the heap measured per move), and the packed quantity and
    /// date read back exactly, to the last millionth and microsecond, at the ends of their ranges too.
    @Test func anOpenMoveIsCompactAndExact() {
        #expect(MemoryLayout<MoveEntry>.size == 28)
        #expect(MemoryLayout<MoveEntry>.stride == 28)
        let values: [Int64] = [0, 1, -1, 4_294_967_295, 4_294_967_296, -4_294_967_296, Self.start + 123_457, .max, .min]
        for value in values {
            var entry = MoveEntry(
                StockMove(
                    id: MoveID(1), variantID: Fixtures.chair, quantity: Quantity(rawValue: value), state: .confirmed,
                    sourceID: Fixtures.vendors, destinationID: Fixtures.whStock, date: value))
            #expect(entry.quantity == Quantity(rawValue: value) && entry.date == value)
            entry.date = value &+ 1
            entry.quantity = Quantity(rawValue: value &- 1)
            #expect(entry.date == value &+ 1 && entry.quantity.rawValue == value &- 1)
        }
    }

    /// A change of open moves adds change-feed entries for the variant at the locations the old and the new move
    /// touch, so a poller of `/v1/changes` hears of incoming, outgoing and forecast changes; an unchanged row or the
    /// close of a move never held adds none.
    @Test func moveChangesReachTheChangeFeed() throws {
        let projection = try Fixtures.projection([Fixtures.quant(1, Fixtures.chair, Fixtures.whStock, "10")])
        var cursor = projection.snapshot().changeCursor
        var position: UInt64 = 1
        func apply(_ changes: StockChange...) throws -> [String] {
            position += 1
            try projection.apply([Fixtures.transaction(position, changes)])
            let page = try projection.snapshot().changes(after: cursor, limit: 100)
            cursor = page.nextCursor
            return page.changes.map { "\($0.variantID.rawValue)@\($0.locationID.rawValue)" }
        }
        let (desk, vendors, whStock, euStock) = (
            Fixtures.desk.rawValue, Fixtures.vendors.rawValue, Fixtures.whStock.rawValue, Fixtures.euStock.rawValue
        )
        let receipt = Self.move(1, Fixtures.desk, "5", from: Fixtures.vendors, to: Fixtures.whStock)
        #expect(try apply(receipt) == ["\(desk)@\(vendors)", "\(desk)@\(whStock)"])
        #expect(try apply(receipt).isEmpty)
        #expect(
            try apply(Self.move(1, Fixtures.desk, "5", from: Fixtures.vendors, to: Fixtures.whStock, day: 3)) == [
                "\(desk)@\(vendors)", "\(desk)@\(whStock)",
            ])
        #expect(
            try apply(Self.move(1, Fixtures.desk, "5", from: Fixtures.vendors, to: Fixtures.euStock, day: 3))
                == ["\(desk)@\(vendors)", "\(desk)@\(whStock)", "\(desk)@\(euStock)"])
        #expect(try apply(.closeMove(MoveID(1))) == ["\(desk)@\(vendors)", "\(desk)@\(euStock)"])
        #expect(try apply(.closeMove(MoveID(1))).isEmpty)
        let snapshot = projection.snapshot()
        #expect(snapshot.forecast(for: Fixtures.desk, in: try snapshot.resolve(.everywhere), toDate: nil).incoming == .zero)
    }

    /// Odoo's stock tests: 10 on hand, a delivery of 3 reserved → free 7, forecast 7, outgoing 3.
    @Test func aReservedDeliveryLowersFreeAndForecast() throws {
        let projection = try Fixtures.projection([
            Fixtures.quant(1, Fixtures.chair, Fixtures.whStock, "10", reserved: "3"),
            Self.move(1, Fixtures.chair, "3", from: Fixtures.whStock, to: Fixtures.customers, state: .assigned),
        ])
        let snapshot = projection.snapshot()
        let figures = snapshot.figures(for: Fixtures.chair, in: try snapshot.resolve(.everywhere))
        let forecast = try Self.forecast(projection, Fixtures.chair)
        #expect(figures.free == "7")
        #expect(forecast.onHand == "10")
        #expect(forecast.outgoing == "3")
        #expect(forecast.incoming == "0")
        #expect(forecast.forecast == "7")
    }

    /// Only waiting, confirmed, assigned and partially available moves count; done, cancel and draft leave the forecast.
    @Test func onlyOpenMovesCount() throws {
        let projection = try Fixtures.projection([
            Self.move(1, Fixtures.chair, "5", from: Fixtures.vendors, to: Fixtures.whStock, state: .waiting),
            Self.move(2, Fixtures.chair, "1", from: Fixtures.vendors, to: Fixtures.whStock, state: .partiallyAvailable),
            Self.move(3, Fixtures.chair, "100", from: Fixtures.vendors, to: Fixtures.whStock, state: .draft),
            Self.move(4, Fixtures.chair, "100", from: Fixtures.vendors, to: Fixtures.whStock, state: .cancel),
            Self.move(5, Fixtures.chair, "100", from: Fixtures.vendors, to: Fixtures.whStock, state: .done),
        ])
        #expect(try Self.forecast(projection, Fixtures.chair).incoming == "6")
        #expect(projection.snapshot().openMoveCount == 2)
        // Validation: the move leaves in the same transaction as its quants arrive.
        try projection.apply([
            Fixtures.transaction(
                2,
                [
                    Self.move(1, Fixtures.chair, "5", from: Fixtures.vendors, to: Fixtures.whStock, state: .done),
                    Fixtures.quant(9, Fixtures.chair, Fixtures.whStock, "5"),
                ])
        ])
        let after = try Self.forecast(projection, Fixtures.chair)
        #expect(after.incoming == "1")
        #expect(after.forecast == "6")
        #expect(projection.snapshot().openMoveCount == 1)
        try projection.apply([Fixtures.transaction(3, [.closeMove(MoveID(2)), .closeMove(MoveID(77))])])
        #expect(try Self.forecast(projection, Fixtures.chair).incoming == "0")
        #expect(projection.snapshot().openMoveCount == 0)
    }

    /// Per scope: a move inside one warehouse is neither incoming nor outgoing there; between warehouses it is
    /// outgoing for one, incoming for the other, and nothing for the company as a whole.
    @Test func scopesFollowOddosDomain() throws {
        let projection = try Fixtures.projection([
            Fixtures.quant(1, Fixtures.chair, Fixtures.whStock, "10"),
            Self.move(1, Fixtures.chair, "2", from: Fixtures.whStock, to: Fixtures.shelf1),
            Self.move(2, Fixtures.chair, "4", from: Fixtures.whStock, to: Fixtures.euStock),
        ])
        let wh = try Self.forecast(projection, Fixtures.chair, .warehouse(Fixtures.wh))
        #expect((wh.incoming, wh.outgoing, wh.forecast) == ("0", "4", "6"))
        let eu = try Self.forecast(projection, Fixtures.chair, .warehouse(Fixtures.eu))
        #expect((eu.incoming, eu.outgoing, eu.forecast) == ("4", "0", "4"))
        let all = try Self.forecast(projection, Fixtures.chair)
        #expect((all.incoming, all.outgoing, all.forecast) == ("0", "0", "10"))
        let shelf = try Self.forecast(projection, Fixtures.chair, .location(Fixtures.shelf1))
        #expect((shelf.incoming, shelf.outgoing) == ("2", "0"))
    }

    /// Odoo 18: a move not done uses `location_final_id` when set, so Vendors → Input with final Stock counts as
    /// incoming to Stock, and the chained Input → Stock move counts nowhere in the warehouse.
    @Test func finalLocationIsTheDestination() throws {
        let projection = try Fixtures.projection([
            Self.move(1, Fixtures.chair, "5", from: Fixtures.vendors, to: Fixtures.whQC, final: Fixtures.whStock),
            Self.move(2, Fixtures.chair, "5", from: Fixtures.whQC, to: Fixtures.whStock, state: .waiting),
        ])
        #expect(try Self.forecast(projection, Fixtures.chair, .location(Fixtures.whStock)).incoming == "10")
        #expect(try Self.forecast(projection, Fixtures.chair, .location(Fixtures.whQC)).incoming == "0")
        #expect(try Self.forecast(projection, Fixtures.chair, .location(Fixtures.whQC)).outgoing == "5")
        #expect(try Self.forecast(projection, Fixtures.chair, .warehouse(Fixtures.wh)).incoming == "5")
    }

    /// `to_date` counts moves dated on or before it; the next receipt is the earliest dated incoming quantity.
    @Test func toDateAndNextReceipt() throws {
        let projection = try Fixtures.projection([
            Self.move(1, Fixtures.chair, "5", from: Fixtures.vendors, to: Fixtures.whStock, day: 10),
            Self.move(2, Fixtures.chair, "2", from: Fixtures.vendors, to: Fixtures.whStock, day: 3),
            Self.move(3, Fixtures.chair, "1", from: Fixtures.vendors, to: Fixtures.whStock, day: 3),
            Self.move(4, Fixtures.chair, "4", from: Fixtures.whStock, to: Fixtures.customers, day: 5),
        ])
        let all = try Self.forecast(projection, Fixtures.chair)
        #expect(all.nextReceipt == ForecastFigures.NextReceipt(date: Self.start + 3 * Self.day, quantity: "3"))
        #expect((all.incoming, all.outgoing, all.forecast) == ("8", "4", "4"))
        let early = try Self.forecast(projection, Fixtures.chair, toDate: Self.start + 4 * Self.day)
        #expect((early.incoming, early.outgoing, early.forecast) == ("3", "0", "3"))
        let onTheDay = try Self.forecast(projection, Fixtures.chair, toDate: Self.start + 5 * Self.day)
        #expect(onTheDay.outgoing == "4")
        #expect(try Self.forecast(projection, Fixtures.lamp).nextReceipt == nil)

        let snapshot = projection.snapshot()
        let (onHand, steps) = snapshot.schedule(for: Fixtures.chair, in: try snapshot.resolve(.everywhere))
        #expect(onHand == "0")
        #expect(steps.map(\.projected) == ["3", "-1", "4"])
        #expect(steps.map(\.availableToPromise) == ["-1", "-1", "4"])
        #expect(steps.map(\.date) == [3, 5, 10].map { Self.start + $0 * Self.day })
    }

    /// Re-dating, re-quantifying and changing the product of a move replace it; a truncate empties the moves.
    @Test func updatesReplaceTheMove() throws {
        let projection = try Fixtures.projection([Self.move(1, Fixtures.chair, "5", from: Fixtures.vendors, to: Fixtures.whStock)])
        try projection.apply([Fixtures.transaction(2, [Self.move(1, Fixtures.desk, "7", from: Fixtures.vendors, to: Fixtures.whStock, day: 9)])])
        #expect(try Self.forecast(projection, Fixtures.chair).incoming == "0")
        #expect(try Self.forecast(projection, Fixtures.desk).incoming == "7")
        #expect(projection.snapshot().openMoveCount == 1)
        try projection.apply([Fixtures.transaction(3, [.truncate(.moves)])])
        #expect(projection.snapshot().openMoveCount == 0)
    }

    /// Quarantine and safety stock do not change Odoo's forecast figures.
    @Test func quarantineAndSafetyStockDoNotChangeTheForecast() throws {
        let settings = ProjectionSettings(quarantine: QuarantineRules(locationIDs: [Fixtures.whQC]))
        let projection = try Fixtures.projection(
            [
                Fixtures.quant(1, Fixtures.chair, Fixtures.whQC, "4"),
                Self.move(1, Fixtures.chair, "1", from: Fixtures.whQC, to: Fixtures.customers),
            ], settings: settings)
        let forecast = try Self.forecast(projection, Fixtures.chair, .warehouse(Fixtures.wh))
        #expect((forecast.onHand, forecast.outgoing, forecast.forecast) == ("4", "1", "3"))
    }

    /// Kits: each figure from the components' same figure (Odoo's kit override), floored to whole kits.
    @Test(arguments: [16, 17, 18]) func kitForecastComesFromComponents(version: Int) throws {
        let projection = try KitTests.projection(
            version: version,
            KitTests.product(1000, "KIT") + KitTests.product(2001, "A") + KitTests.product(2002, "B") + [
                KitTests.kitBoM(1, for: 1000), KitTests.line(1, bom: 1, 2001, "2"), KitTests.line(2, bom: 1, 2002, "1"),
                Fixtures.quant(1, VariantID(2001), Fixtures.whStock, "4"), Fixtures.quant(2, VariantID(2002), Fixtures.whStock, "10"),
                Self.move(1, VariantID(2001), "7", from: Fixtures.vendors, to: Fixtures.whStock),
                Self.move(2, VariantID(2002), "9", from: Fixtures.whStock, to: Fixtures.customers),
            ])
        let kit = try Self.forecast(projection, VariantID(1000))
        // A: incoming 7 → 3 kits; B: incoming 0 → 0. Outgoing: A 0, B 9 → 0. Forecast: A 11 → 5, B 1 → 1.
        #expect((kit.onHand, kit.incoming, kit.outgoing, kit.forecast) == ("2", "0", "0", "1"))
        #expect(kit.nextReceipt == nil)
    }
}
