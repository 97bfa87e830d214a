import ArgumentParser

/// The `stockd` command: a live projection of Odoo stock, fed by PostgreSQL logical replication.
@main
struct Stockd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stockd",
        abstract: "Stock availability for Odoo, projected from PostgreSQL logical replication into memory and LMDB.",
        subcommands: [
            Setup.self, Serve.self, Clone.self, Resync.self, Decommission.self, Inspect.self, Query.self, Generate.self, Simulate.self,
            IngestBenchmark.self,
        ]
    )
}
