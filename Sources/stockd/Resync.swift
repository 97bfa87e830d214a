import ArgumentParser
import StockdApp

/// `stockd resync`: rebuild the store from a fresh snapshot of Odoo's database.
struct Resync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the store from a fresh snapshot (after the replication slot was lost or dropped).",
        discussion: """
            Creates a new slot, copies every table into a new store beside the current one, and swaps the \
            directories only once the copy is committed. With `stockd serve` running, send it SIGHUP instead \
            (`kill -HUP <pid>`): it keeps serving the old figures until the new store is ready, then switches.
            """
    )

    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load()
            print(try StockdCommands.resync(configuration: configuration, logger: options.logger(configuration)))
        }
    }
}
