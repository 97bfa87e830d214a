public import StockCatalogue
public import StockProjection

/// Open moves for the forecast benchmarks: a generated catalogue's projection plus `movesPerVariant` open moves per
/// variant (receipts from Vendors, deliveries to Customers and moves between the warehouses' stock locations, dated
/// over a month), loaded as a restore does.
public enum MoveFixture {
    /// The open moves of a catalogue, seeded.
    public static func moves(of catalogue: OdooCatalogue, movesPerVariant: Int, seed: UInt64 = 14) -> [StockMove] {
        var random = SeededGenerator(seed: seed)
        let stocks = catalogue.warehouses.map(\.stockLocationID)
        var result: [StockMove] = []
        result.reserveCapacity(catalogue.variants.count * movesPerVariant)
        var id: Int32 = 1
        for variant in catalogue.variants {
            for _ in 0..<movesPerVariant {
                let here = stocks.randomElement(using: &random)!
                let (source, destination): (LocationID, LocationID) =
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: (OdooCatalogue.Standard.vendors, here)
                    case 1: (here, OdooCatalogue.Standard.customers)
                    default: (here, stocks.randomElement(using: &random)!)
                    }
                result.append(
                    StockMove(
                        id: MoveID(id), variantID: variant.id, quantity: Quantity(units: Int.random(in: 1...20, using: &random)),
                        state: .confirmed, sourceID: source, destinationID: destination,
                        date: 1_800_000_000_000_000 + Int64(Int.random(in: 0..<43_200, using: &random)) * 60_000_000))
                id += 1
            }
        }
        return result
    }

    /// A projection of the catalogue with the moves loaded.
    public static func projection(of catalogue: OdooCatalogue, moves: [StockMove]) -> StockProjection {
        var state = CatalogueFixture.state(of: catalogue, checkpoint: Checkpoint(position: 1))
        for move in moves { state.load(.upsertMove(move)) }
        state.finishLoading()
        return StockProjection(state: state)
    }
}
