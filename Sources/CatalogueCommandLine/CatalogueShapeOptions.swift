public import ArgumentParser
public import StockCatalogue

/// The size and seed of a generated catalogue as command-line options (`--variants`, `--warehouses`, `--shelves`,
/// `--levels`, `--kits`, `--seed`).
///
/// `stockd generate`, `stockd simulate` and the `odoo-fixtures` subcommands all take these options, so that the
/// same flags give the same catalogue in the store and in the Odoo-shaped database. Declared once here, in a module
/// of its own, because the two executables must not depend on each other and swift-argument-parser does not
/// belong in `StockCatalogue` (which tests and benchmarks use).
public struct CatalogueShapeOptions: ParsableArguments {
    /// `--variants`: the number of product variants.
    @Option(help: "Number of product variants.")
    public var variants = 5_000

    /// `--warehouses`: the number of warehouses.
    @Option(help: "Number of warehouses.")
    public var warehouses = 3

    /// `--shelves`: shelf locations under each warehouse's Stock location.
    @Option(help: "Shelf locations under each warehouse's Stock.")
    public var shelves = 2

    /// `--levels`: the locations each variant has stock in.
    @Option(help: "Locations each variant has stock in.")
    public var levels = 3

    /// `--kits`: the number of kits, or `nil` for the catalogue's default.
    @Option(help: "Number of kits (phantom BoMs); default about 1% of the variants (none below 100 variants).")
    public var kits: Int?

    /// `--seed`: the random seed of the catalogue.
    @Option(help: "Random seed of the catalogue.")
    public var seed: UInt64 = 42

    /// Creates the options with their defaults (swift-argument-parser fills them from the command line).
    public init() {}

    /// The catalogue shape these options describe.
    public var shape: CatalogueShape {
        CatalogueShape(
            variants: variants, warehouses: warehouses, shelvesPerWarehouse: shelves, levelsPerVariant: levels, kits: kits,
            seed: seed
        )
    }
}
