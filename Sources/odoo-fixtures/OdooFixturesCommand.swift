import ArgumentParser
import CatalogueCommandLine
import OdooFixtures
import StockCatalogue
import StockProjection

/// `odoo-fixtures`: writes Odoo-shaped SQL (schema, a generated catalogue, Odoo-style stock operations) to
/// standard output, for demos, benchmarks and trying stockd against a scratch database.
@main
struct OdooFixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "odoo-fixtures",
        abstract: "Print Odoo-shaped SQL: schema, a generated catalogue, or stock operations (pipe it into psql).",
        subcommands: [Schema.self, Catalogue.self, Operations.self, Simulate.self]
    )
}

/// The Odoo version and the catalogue's shape, shared by the subcommands.
struct FixtureOptions: ParsableArguments {
    @Option(help: "Odoo version: 16.0, 17.0 or 18.0.")
    var odoo: String = "17.0"

    @OptionGroup var shape: CatalogueShapeOptions

    func version() throws -> OdooVersion {
        guard let version = OdooVersion(rawValue: odoo) else { throw ValidationError("--odoo must be 16.0, 17.0 or 18.0") }
        return version
    }

    var catalogue: OdooCatalogue { OdooCatalogue(shape: shape.shape) }
}

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "CREATE TABLE statements of Odoo's stock tables.")
    @OptionGroup var options: FixtureOptions
    func run() throws { print(OdooSchema.ddl(for: try options.version())) }
}

struct Catalogue: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The generated catalogue as COPY blocks.")
    @OptionGroup var options: FixtureOptions
    func run() throws {
        var output = StandardOutput()
        OdooSQL.writeCatalogueScript(options.catalogue, version: try options.version(), to: &output)
    }
}

struct Operations: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Random Odoo-style stock transactions (BEGIN ... COMMIT blocks).")
    @OptionGroup var options: FixtureOptions

    @Option(help: "Number of transactions.")
    var count = 1_000

    @Option(name: .customLong("operations-seed"), help: "Random seed of the operations.")
    var operationsSeed: UInt64 = 7

    @Option(
        name: .customLong("move-rate"),
        help: "One transaction in this many is a stock_move operation (new move ids start at 1: for a catalogue without moves); 0: none.")
    var moveRate = 0

    func run() throws {
        let catalogue = options.catalogue
        var operations = OdooOperations(catalogue: catalogue, seed: operationsSeed)
        operations.moveRate = max(0, moveRate)
        var renderer = OdooChangeRenderer(version: try options.version(), catalogue: catalogue)
        var output = StandardOutput()
        for _ in 0..<count { output.write(renderer.transactionScript(for: operations.next())) }
    }
}

/// Buffered writes to standard output.
struct StandardOutput: TextOutputStream {
    mutating func write(_ text: String) { print(text, terminator: "") }
}
