import ArgumentParser
import Logging
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
            print(try StockdCommands.inspect(configuration: configuration, json: json, logger: logger))
        }
    }
}
