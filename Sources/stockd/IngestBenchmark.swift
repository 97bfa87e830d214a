import ArgumentParser
import StockdApp

/// `stockd ingest-benchmark`: the feed alone, no HTTP, until an LSN or a duration, then one JSON line with
/// throughput and freshness (for scripts/bench-ingest.sh). Hidden: a benchmark tool, not an operator's command.
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-benchmark",
        abstract: "Benchmarks: follow Odoo's database until an LSN is applied or a time has passed, then print a JSON summary.",
        shouldDisplay: false
    )

    @OptionGroup var options: CommonOptions

    @Option(name: .customLong("stop-at-lsn"), help: "Stop once this LSN is applied (0/16B3748).")
    var stopAtLSN: String?

    @Option(name: .customLong("stop-after"), help: "Stop after this many seconds of streaming (0: right after the snapshot or restart).")
    var stopAfter: Double?

    func run() async throws {
        try await reportingFailures {
            let stop: IngestMeasurement.Stop
            if let stopAtLSN {
                guard let target = IngestMeasurement.Stop(lsnText: stopAtLSN) else {
                    throw ValidationError("--stop-at-lsn takes an LSN such as 0/16B3748")
                }
                stop = target
            } else if let stopAfter {
                stop = .seconds(stopAfter)
            } else {
                throw ValidationError("give --stop-at-lsn or --stop-after")
            }
            let configuration = try await options.load()
            print(try await StockdCommands.ingestBenchmark(configuration: configuration, stop: stop, logger: options.logger(configuration)))
        }
    }
}
