/// The size and shape of a generated Odoo catalogue.
public struct CatalogueShape: Hashable, Sendable {
    /// How many product variants (kit variants included).
    public var variants: Int
    /// How many warehouses (codes `WH`, `WH2`, `WH3`, ...).
    public var warehouses: Int
    /// How many shelf locations under each warehouse's `Stock` location.
    public var shelvesPerWarehouse: Int
    /// How many locations each variant has stock in (at most the number of stock-holding locations).
    public var levelsPerVariant: Int
    /// How many kits (phantom BoMs) to generate; 0 for none.
    public var kits: Int
    /// The seed of the generator.
    public var seed: UInt64

    /// Creates a shape.
    ///
    /// - Parameter kits: How many kits; `nil` for the default, about 1 % of the variants and at least 4 when
    ///   there are 100 variants or more (none below). At most a tenth of the variants become kits.
    public init(
        variants: Int, warehouses: Int = 3, shelvesPerWarehouse: Int = 2, levelsPerVariant: Int = 3, kits: Int? = nil,
        seed: UInt64 = 42
    ) {
        self.variants = max(0, variants)
        self.warehouses = max(1, min(warehouses, 999))
        self.shelvesPerWarehouse = max(0, shelvesPerWarehouse)
        self.levelsPerVariant = max(0, levelsPerVariant)
        self.kits = min(max(0, kits ?? Self.defaultKits(variants: self.variants)), self.variants / 10)
        self.seed = seed
    }

    /// The default number of kits for a number of variants.
    public static func defaultKits(variants: Int) -> Int {
        variants < 100 ? 0 : max(4, variants / 100)
    }

    /// A small demo catalogue: 5,000 variants in 3 warehouses.
    public static let demo = CatalogueShape(variants: 5_000)
}
