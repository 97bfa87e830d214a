import ArgumentParser
import StockdApp

/// `stockd decommission`: drop an instance's replication slot.
struct Decommission: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drop a stockd instance's replication slot, so PostgreSQL stops keeping WAL for it, and say how much it held.",
        discussion: """
            The slot is --slot, else the configured one (source.slot, or stockd_<instance.name> with --instance). \
            Refuses (exit 1) while the slot is active: stop the instance first. Its store is left as it is; an instance \
            started again on it creates a new slot and takes a fresh snapshot.
            """
    )

    @OptionGroup var options: CommonOptions

    @Option(name: .long, help: "The slot to drop (default: the configured slot).")
    var slot: String?

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load()
            print(try StockdCommands.decommission(configuration: configuration, slot: slot))
        }
    }
}
