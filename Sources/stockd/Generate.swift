import ArgumentParser
import StockCatalogue
import Logging
import StockProjection
import StockStorage
import StockdApp

/// `stockd generate`: fill an empty store with a generated Odoo-shaped catalogue.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill an empty store with a generated Odoo-shaped catalogue (for demos and benchmarks)."
    )

    @OptionGroup var options: CommonOptions
    @OptionGroup var shape: ShapeOptions

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load()
            let logger = options.logger(configuration)
            let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
            let catalogue = try CatalogueImport.run(shape: shape.shape, into: runtime.projection, store: runtime.store)
            print("generated \(catalogue.variants.count) variants, \(catalogue.quants.count) quants, \(catalogue.locations.count) locations, \(catalogue.warehouses.count) warehouses into \(configuration.store.path)")
        }
    }
}

/// The size and seed of a generated catalogue.
struct ShapeOptions: ParsableArguments {
    @Option(help: "Number of product variants.")
    var variants = 5_000

    @Option(help: "Number of warehouses.")
    var warehouses = 3

    @Option(help: "Shelf locations under each warehouse's Stock.")
    var shelves = 2

    @Option(help: "Locations each variant has stock in.")
    var levels = 3

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    var shape: CatalogueShape {
        CatalogueShape(variants: variants, warehouses: warehouses, shelvesPerWarehouse: shelves, levelsPerVariant: levels, seed: seed)
    }
}
