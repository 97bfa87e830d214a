import ArgumentParser
import OdooReplication
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
            guard let dsn = configuration.source.dsn else { throw ValidationError("no source: pass --dsn or set source.dsn") }
            let report = try SourceSetup(dsn: dsn, publication: configuration.source.publication).run()
            for line in report.lines { print(line) }
            if !report.sqlForDBA.isEmpty {
                print("\nA DBA must run, then run `stockd setup` again:\n")
                for statement in report.sqlForDBA { print("  " + statement) }
            }
            if !report.ready || !report.warnings.isEmpty {
                print("\nA dedicated least-privilege role for stockd (as a superuser; choose the password), then connect as it:\n")
                for statement in report.dedicatedRoleSQL { print("  " + statement) }
            }
            if report.ready {
                print("\nready: `stockd serve` will take the initial snapshot and follow the stream")
            } else {
                throw ExitCode.failure
            }
        }
    }
}
