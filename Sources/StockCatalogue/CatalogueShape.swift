/// The size and shape of a generated Odoo catalogue.
public struct CatalogueShape: Hashable, Sendable {
    /// How many product variants.
    public var variants: Int
    /// How many warehouses (codes `WH`, `WH2`, `WH3`, ...).
    public var warehouses: Int
    /// How many shelf locations under each warehouse's `Stock` location.
    public var shelvesPerWarehouse: Int
    /// How many locations each variant has stock in (at most the number of stock-holding locations).
    public var levelsPerVariant: Int
    /// The seed of the generator.
    public var seed: UInt64

    /// Creates a shape.
    public init(variants: Int, warehouses: Int = 3, shelvesPerWarehouse: Int = 2, levelsPerVariant: Int = 3, seed: UInt64 = 42) {
        self.variants = max(0, variants)
        self.warehouses = max(1, min(warehouses, 999))
        self.shelvesPerWarehouse = max(0, shelvesPerWarehouse)
        self.levelsPerVariant = max(0, levelsPerVariant)
        self.seed = seed
    }

    /// A small demo catalogue: 5,000 variants in 3 warehouses.
    public static let demo = CatalogueShape(variants: 5_000)
}
