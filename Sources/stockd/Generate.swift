import ArgumentParser
import CatalogueCommandLine
import Logging
import StockCatalogue
import StockProjection
import StockStorage
import StockdApp

/// `stockd generate`: fill an empty store with a generated Odoo-shaped catalogue.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill an empty store with a generated Odoo-shaped catalogue (for demos and benchmarks)."
    )

    @OptionGroup var options: CommonOptions
    @OptionGroup var shape: CatalogueShapeOptions

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load()
            let logger = options.logger(configuration)
            let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
            let catalogue = try CatalogueImport.run(shape: shape.shape, into: runtime.projection, store: runtime.store)
            print(
                "generated \(catalogue.variants.count) variants, \(catalogue.quants.count) quants, \(catalogue.locations.count) locations, \(catalogue.warehouses.count) warehouses into \(configuration.store.path)"
            )
        }
    }
}
