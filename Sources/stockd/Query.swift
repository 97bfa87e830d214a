import ArgumentParser
import Logging
import StockProjection
import StockStorage
import StockdApp

/// `stockd query`: the figures of one SKU from a store, without a server.
struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a SKU's on hand, reserved, free, quarantined and available figures.")

    @OptionGroup var options: CommonOptions

    @Option(help: "The SKU (default_code); every variant sharing it is listed.")
    var sku: String

    @Option(help: "Warehouse code or id (the subtree of its view location).")
    var warehouse: String?

    @Option(help: "Location id or complete name, e.g. 'WH/Stock' (that location and its subtree).")
    var location: String?

    @Option(name: .customLong("group-by"), help: "total, warehouse or location.")
    var groupBy: String = "total"

    func run() async throws {
        try await reportingFailures {
            guard let grouping = AvailabilityReport.Grouping(rawValue: groupBy) else {
                throw ValidationError("--group-by must be total, warehouse or location, not '\(groupBy)'")
            }
            let configuration = try await options.load()
            let runtime = try ProjectionRuntime(configuration: configuration, logger: options.logger(configuration))
            let snapshot = runtime.projection.snapshot()
            let scope = try AvailabilityReport.scope(warehouse: warehouse, location: location, in: snapshot)
            print(try AvailabilityReport.text(sku: sku, scope: scope, grouping: grouping, snapshot: snapshot))
        }
    }
}
