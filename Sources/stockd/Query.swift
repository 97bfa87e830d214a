import ArgumentParser
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
            print(
                try StockdCommands.query(
                    configuration: configuration, sku: sku, warehouse: warehouse, location: location, grouping: grouping,
                    logger: options.logger(configuration)))
        }
    }
}
