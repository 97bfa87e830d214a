import ArgumentParser
import Logging
import StockProjection
import StockStorage
import StockdApp

/// `stockd inspect`: what a store holds.
struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a store's checkpoint, row counts and size.")

    @OptionGroup var options: CommonOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load()
            var logger = options.logger(configuration)
            if json { logger.logLevel = max(logger.logLevel, .warning) }
            let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
            let info = try runtime.store.info()
            let snapshot = runtime.projection.snapshot()
            print(
                json
                    ? StoreReport.json(info: info, snapshot: snapshot, loadSeconds: runtime.loadSeconds)
                    : StoreReport.text(info: info, snapshot: snapshot, loadSeconds: runtime.loadSeconds))
        }
    }
}
