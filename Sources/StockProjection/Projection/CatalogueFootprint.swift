/// The bytes each part of a projection's catalogue holds (spare capacity included, allocator headers excluded),
/// for the memory figures (`MemoryFootprint`, docs/benchmarks.md).
public struct CatalogueFootprint: Sendable {
    /// The variants held.
    public var variants: Int
    /// The variant records' pages and their directory.
    public var variantRecords: Int
    /// The template records' pages and their directory.
    public var templateRecords: Int
    /// The string arena's pages (SKUs and barcodes).
    public var strings: Int
    /// The arena's bytes that live strings use (length prefixes included).
    public var stringsInUse: Int
    /// The SKU index: bytes, and the entries it holds.
    public var skuIndex: (bytes: Int, entries: Int)
    /// The barcode index: bytes, and the entries it holds.
    public var barcodeIndex: (bytes: Int, entries: Int)
    /// The template index: bytes, and the entries it holds.
    public var templateIndex: (bytes: Int, entries: Int)

    /// Every part's bytes together.
    public var total: Int { variantRecords + templateRecords + strings + skuIndex.bytes + barcodeIndex.bytes + templateIndex.bytes }
}

extension ProjectionState {
    /// The bytes each part of the catalogue holds, for the memory figures.
    public var catalogueFootprint: CatalogueFootprint { catalogue.footprint }
}
