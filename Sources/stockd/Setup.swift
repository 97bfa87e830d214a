import ArgumentParser
import StockdApp

/// `stockd setup`: check the source database and create the publication.
struct Setup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that Odoo's database can feed stockd (wal_level, role rights, publication) and create the publication.",
        discussion: """
            Idempotent, and safe to run while another setup runs. When the role lacks a right or the publication \
            would lose changes, prints the exact SQL a DBA must run and exits 1. Warns when connected as a superuser \
            or as the owner of Odoo's tables, and then (or when not ready) proposes a dedicated least-privilege role.
            """
    )

    @OptionGroup var options: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load()
            let outcome = try StockdCommands.setup(configuration: configuration)
            print(outcome.text)
            if !outcome.ready { throw ExitCode.failure }
        }
    }
}
