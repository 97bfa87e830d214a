import ArgumentParser
import Foundation
import StockdApp

/// `stockd clone`: start a new instance from a running peer's store instead of a fresh snapshot of Odoo.
struct Clone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create this instance's slot, copy a running peer's store into --store, and get it ready to stream (no snapshot of Odoo).",
        discussion: """
            Takes the same --dsn, --store, --instance and --config as serve. Needs a token with the admin scope on the peer \
            (--token or STOCKD_CLONE_TOKEN). The copy is verified (size and SHA-256) and installed atomically; a copy whose \
            checkpoint is before the new slot's consistent point is refused (exit 1) once --max-wait has passed, and the slot is \
            dropped. Then run `stockd serve` with the same options.
            """
    )

    @OptionGroup var options: CommonOptions

    @Option(name: .long, help: "The running peer's base URL, e.g. http://peer:8080.")
    var from: String

    @Option(name: .long, help: "A bearer token with the admin scope on the peer (default: STOCKD_CLONE_TOKEN).")
    var token: String?

    @Option(name: .customLong("max-wait"), help: "Seconds to keep asking a peer that is behind the new slot's consistent point.")
    var maxWait: Double = 30

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load()
            let clone = StoreClone(
                peer: from,
                token: token ?? ProcessInfo.processInfo.environment["STOCKD_CLONE_TOKEN"],
                maxWait: .milliseconds(Int(max(0, maxWait) * 1_000)),
                configuration: configuration
            )
            print(try await clone.run(logger: options.logger(configuration)))
        }
    }
}
