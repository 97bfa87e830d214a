import ArgumentParser
import OdooReplication
import StockdApp

/// `stockd setup`: check the source database and create the publication.
struct Setup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that Odoo's database can feed stockd (wal_level, role rights) and create the publication.",
        discussion: "Idempotent. When the role lacks a right, prints the exact SQL a DBA must run and exits non-zero."
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
            if report.ready {
                print("\nready: `stockd serve` will take the initial snapshot and follow the stream")
            } else {
                throw ExitCode.failure
            }
        }
    }
}
