public import StockCatalogue
public import StockProjection
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which catalogue sizes a run covers.
///
/// The quick pass (the default, and what CI runs) covers 5,000 and 50,000 variants; `STOCKD_BENCH_FULL=1` adds
/// 500,000 variants, which takes several minutes more and a few GB of memory.
public enum BenchmarkSizes {
    /// Whether `STOCKD_BENCH_FULL=1` is set.
    public static let isFull: Bool = {
        guard let value = getenv("STOCKD_BENCH_FULL") else { return false }
        return ["1", "true", "yes"].contains(String(cString: value).lowercased())
    }()

    /// Catalogue sizes (variants) of the in-memory projection benchmarks.
    /// `STOCKD_BENCH_SIZES=5000,50000,1000000` replaces them (scripts/bench uses it for the 1,000,000-variant size).
    public static var catalogues: [Int] {
        if let value = getenv("STOCKD_BENCH_SIZES") {
            let sizes = String(cString: value).split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
            if !sizes.isEmpty { return sizes }
        }
        return isFull ? [5_000, 50_000, 500_000] : [5_000, 50_000]
    }

    /// Catalogue sizes (variants) of the reload-from-LMDB benchmarks: 175,000 variants make about 500,000
    /// (variant, location) levels, the size the reload target is stated for.
    public static var reloads: [Int] { isFull ? [50_000, 175_000, 500_000] : [50_000, 175_000] }

    /// The catalogue size of the write benchmarks (apply in memory, LMDB group commit).
    public static var writes: [Int] { isFull ? [50_000, 500_000] : [50_000] }

    /// `5k`, `50k`, `500k`, `1M`.
    public static func label(_ variants: Int) -> String {
        variants % 1_000_000 == 0 ? "\(variants / 1_000_000)M" : variants % 1_000 == 0 ? "\(variants / 1_000)k" : "\(variants)"
    }
}

extension CatalogueShape {
    /// The benchmark catalogue: `variants` variants over 10 stock-holding locations (2 warehouses, each with
    /// Stock, Input, Quality Control, Output and Damaged), 3 levels per storable variant, fixed seed.
    public static func benchmark(variants: Int) -> CatalogueShape {
        CatalogueShape(variants: variants, warehouses: 2, shelvesPerWarehouse: 0, levelsPerVariant: 3, kits: 0, seed: 42)
    }
}

/// A generated catalogue and a projection built from it, shared by every benchmark of one process.
///
/// package-benchmark runs each benchmark in a process of its own, so a fixture is built once per benchmark
/// (in its `setup`), never inside a measurement.
public final class CatalogueFixture: Sendable {
    /// Number of variants.
    public let size: Int
    /// The generated catalogue.
    public let catalogue: OdooCatalogue
    /// A memory-only projection of the catalogue, at checkpoint 1.
    public let projection: StockProjection
    /// Distinct (variant, location) levels of the catalogue (quant rows less duplicate rows of one key).
    public let levels: Int
    /// Variant ids in a seeded random order (with repeats), a power of two long, for look-ups that do not
    /// walk memory in order.
    public let lookupOrder: [VariantID]
    /// `lookupOrder.count - 1`.
    public let lookupMask: Int
    /// The first warehouse (`WH`), resolved.
    public let warehouseScope: ResolvedScope
    /// Every warehouse, resolved.
    public let everywhere: ResolvedScope

    private static let cache = Mutex<[Int: CatalogueFixture]>([:])

    /// The fixture of `size` variants, built on first use.
    public static func shared(_ size: Int) -> CatalogueFixture {
        if let fixture = cache.withLock({ $0[size] }) { return fixture }
        let fixture = CatalogueFixture(size: size)
        return cache.withLock { cache in
            if let existing = cache[size] { return existing }
            cache[size] = fixture
            return fixture
        }
    }

    private init(size: Int) {
        self.size = size
        catalogue = OdooCatalogue(shape: .benchmark(variants: size))
        projection = StockProjection(state: Self.state(of: catalogue, checkpoint: Checkpoint(position: 1)))
        levels = Self.distinctLevels(catalogue.quants)
        var random = SeededGenerator(seed: 2_024)
        var length = 1
        while length < max(size, 1) { length <<= 1 }
        let ids = catalogue.variants.map(\.id)
        lookupOrder = (0..<length).map { _ in ids.randomElement(using: &random)! }
        lookupMask = length - 1
        let snapshot = projection.snapshot()
        // The generated catalogue always has these; a failure here is a broken fixture, not a measurement.
        warehouseScope = try! snapshot.resolve(.warehouse(catalogue.warehouses[0].id))
        everywhere = try! snapshot.resolve(.everywhere)
    }

    /// A projection state holding every row of `catalogue`, loaded as a restore from storage does (no change feed).
    public static func state(of catalogue: OdooCatalogue, checkpoint: Checkpoint?) -> ProjectionState {
        var state = ProjectionState(checkpoint: checkpoint)
        for change in catalogue.allChanges { state.load(change) }
        state.finishLoading()
        return state
    }

    /// The number of distinct (variant, location) keys among `quants`.
    public static func distinctLevels(_ quants: [Quant]) -> Int {
        var keys = Set<Int64>()
        keys.reserveCapacity(quants.count)
        for quant in quants { keys.insert(Int64(quant.variantID.rawValue) << 32 | Int64(UInt32(bitPattern: quant.locationID.rawValue))) }
        return keys.count
    }
}

/// A stream of Odoo-shaped stock operations with two row changes each (internal moves, receipts, deliveries,
/// scrap, in turn), at growing checkpoint positions, generated outside the measurements.
///
/// Not thread-safe: one benchmark at a time uses it, from the benchmark's own thread.
public final class OperationStream: @unchecked Sendable {
    private var operations: OdooOperations
    private static let kinds: [OdooOperations.Kind] = [.move, .receipt, .delivery, .scrap]
    private var turn = 0

    /// Starts a stream over a catalogue's quants; its positions start above `startPosition`.
    public init(catalogue: OdooCatalogue, seed: UInt64 = 7, startPosition: UInt64 = 1_000) {
        operations = OdooOperations(catalogue: catalogue, seed: seed, startPosition: startPosition)
    }

    /// The next `count` transactions (2 quant changes each).
    public func next(_ count: Int) -> [SourceTransaction] {
        var transactions: [SourceTransaction] = []
        transactions.reserveCapacity(count)
        for _ in 0..<count {
            transactions.append(operations.next(Self.kinds[turn & 3]))
            turn &+= 1
        }
        return transactions
    }
}

/// A mutable slot that a benchmark closure keeps between its samples (benchmark closures run on one thread).
public final class Holder<Value>: @unchecked Sendable {
    /// The value.
    public var value: Value
    /// Creates a holder.
    public init(_ value: Value) { self.value = value }
}
