import Benchmark
import BenchmarkFixtures
import Foundation
import LMDB
import StockCatalogue
import StockProjection

// Issue 12 asks whether serving straight from LMDB's memory map (no rebuild at start-up) is worth a second store
// format. These benchmarks answer the same question, "on hand, reserved and quarantined of the variant with this
// SKU in warehouse WH", both ways, side by side in one process:
//
//   * `serve-by-sku-from-projection`: what stockd does today: the SKU index of the in-memory snapshot, then
//     `figures(for:in:)` (which also works out free and available stock, so it does more than the map side);
//   * `serve-by-sku-from-lmdb-map`: the cheapest form of a served-from-the-map format: a read transaction, one
//     `mdb_get` in a SKU → variant database, and a cursor range over a (variant, location) → quantities database,
//     summing the warehouse's locations. It ignores kits, quarantine rules and safety stock, so it is a floor for
//     that design, not a full implementation.
//
// The stores hold exactly the fixture's levels, in key order, in a fresh directory under $STOCKD_BENCH_TMPDIR
// (default: the system temporary directory). They only run by hand (`STOCKD_BENCH_SERVING=1`, sizes from
// `STOCKD_BENCH_SERVING_SIZES`, default 50000), not in the CI gate: the decision they inform is recorded in
// docs/benchmarks.md ("Serving from the memory map").

/// A served-from-the-map layout of one catalogue: SKU → variant id and (variant, location) → on hand, reserved.
final class MapServingFixture: Sendable {
    let directory: URL
    let environment: LMDBEnvironment
    let skus: LMDBDatabase
    let levels: LMDBDatabase
    /// Location ids (as an index) in warehouse WH.
    let inWarehouse: [Bool]
    /// SKUs to ask for, in the fixture's random order, a power of two long.
    let lookupSKUs: [String]

    init(_ fixture: CatalogueFixture) throws {
        let size = fixture.size
        let base =
            ProcessInfo.processInfo.environment["STOCKD_BENCH_TMPDIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        directory = base.appendingPathComponent("stockd-serving-\(getpid())-\(UUID().uuidString.prefix(8))")
        environment = try LMDBEnvironment(path: directory.path, maxDatabases: 2, mapSize: 1 << 30, flags: [.noSync])
        let catalogue = fixture.catalogue
        var skuOf: [Int32: String] = [:]
        for variant in catalogue.variants { if let sku = variant.sku, !sku.isEmpty { skuOf[variant.id.rawValue] = sku } }
        var sums: [Int64: (onHand: Int64, reserved: Int64)] = [:]
        for quant in catalogue.quants {
            let key = Int64(quant.variantID.rawValue) << 32 | Int64(UInt32(bitPattern: quant.locationID.rawValue))
            let previous = sums[key] ?? (0, 0)
            sums[key] = (previous.onHand + quant.quantity.rawValue, previous.reserved + quant.reserved.rawValue)
        }
        let sortedSKUs = skuOf.sorted { Array($0.value.utf8).lexicographicallyPrecedes(Array($1.value.utf8)) }
        let sortedLevels = sums.sorted { $0.key < $1.key }
        var opened: (LMDBDatabase, LMDBDatabase)?
        try environment.withWriteTransaction { transaction in
            let skus = try transaction.openDatabase(named: "skus", create: true)
            let levels = try transaction.openDatabase(named: "levels", create: true)
            for (id, sku) in sortedSKUs {
                try transaction.put(Self.bigEndian(UInt32(bitPattern: id)), forKey: Array(sku.utf8), in: skus, flags: .append)
            }
            for (key, sum) in sortedLevels {
                var value = [UInt8]()
                withUnsafeBytes(of: sum.onHand) { value.append(contentsOf: $0) }
                withUnsafeBytes(of: sum.reserved) { value.append(contentsOf: $0) }
                try transaction.put(value, forKey: Self.bigEndian(UInt64(bitPattern: key)), in: levels, flags: .append)
            }
            opened = (skus, levels)
        }
        let (skuDatabase, levelDatabase) = opened!
        (skus, levels) = (skuDatabase, levelDatabase)
        // What the served-from-the-map format would hold in pages (and so in the page cache while it serves).
        try environment.withReadTransaction { transaction in
            for (name, database) in [("skus", skuDatabase), ("levels", levelDatabase)] {
                let statistics = try transaction.statistics(of: database)
                let pages = statistics.branchPages + statistics.leafPages + statistics.overflowPages
                let mebibytes = Double(pages * statistics.pageSize) / 1_048_576
                FileHandle.standardError.write(
                    Data(
                        ("serving-map \(size) variants: \(name) \(statistics.entries) entries, depth \(statistics.depth), "
                            + "\(pages) pages, \(String(format: "%.1f", mebibytes)) MiB\n").utf8))
            }
        }
        let warehouse = catalogue.warehouses[0]
        let viewPath = catalogue.locations.first { $0.id == warehouse.viewLocationID }!.parentPath
        let maxLocation = Int(catalogue.locations.map(\.id.rawValue).max() ?? 0)
        var inWarehouse = [Bool](repeating: false, count: maxLocation + 1)
        for location in catalogue.locations where location.parentPath.hasPrefix(viewPath) { inWarehouse[Int(location.id.rawValue)] = true }
        self.inWarehouse = inWarehouse
        lookupSKUs = Self.lookupSKUs(fixture)
    }

    /// The SKUs of the fixture's random look-up order (variants without a SKU left out), repeated to a power of two.
    static func lookupSKUs(_ fixture: CatalogueFixture) -> [String] {
        var skuOf: [Int32: String] = [:]
        for variant in fixture.catalogue.variants { if let sku = variant.sku, !sku.isEmpty { skuOf[variant.id.rawValue] = sku } }
        let held = fixture.lookupOrder.compactMap { skuOf[$0.rawValue] }
        precondition(!held.isEmpty, "the fixture has no SKUs")
        var length = 1
        while length < held.count { length <<= 1 }
        return (0..<length).map { held[$0 % held.count] }
    }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    /// On hand and reserved of the variant holding `sku`, summed over warehouse WH, read from the map.
    func figures(sku: String) throws -> (onHand: Int64, reserved: Int64) {
        try environment.withReadTransaction { transaction in
            var sku = sku
            let id: UInt32? = try sku.withUTF8 { bytes in
                try transaction.withValue(forKey: UnsafeRawBufferPointer(bytes), in: skus) { $0.loadUnaligned(as: UInt32.self).bigEndian }
            }
            guard let id else { return (0, 0) }
            var onHand: Int64 = 0
            var reserved: Int64 = 0
            let start = UInt64(id) << 32
            try transaction.withCursor(in: levels) { cursor in
                var more = try withUnsafeBytes(of: start.bigEndian) { startKey in
                    try cursor.seek(atLeast: startKey) { key, value in
                        Self.add(key, value, variant: id, into: &onHand, &reserved, inWarehouse)
                    }
                }
                while more == true {
                    more = try cursor.next { key, value in Self.add(key, value, variant: id, into: &onHand, &reserved, inWarehouse) }
                }
            }
            return (onHand, reserved)
        }
    }

    /// Adds one level row to the sums when it belongs to `variant` and the warehouse; `false` past the variant.
    @inline(__always)
    static func add(
        _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, variant: UInt32, into onHand: inout Int64, _ reserved: inout Int64,
        _ inWarehouse: [Bool]
    ) -> Bool {
        let packed = key.loadUnaligned(as: UInt64.self).bigEndian
        guard UInt32(truncatingIfNeeded: packed >> 32) == variant else { return false }
        let location = Int(UInt32(truncatingIfNeeded: packed))
        if location < inWarehouse.count, inWarehouse[location] {
            onHand &+= value.loadUnaligned(as: Int64.self)
            reserved &+= value.loadUnaligned(fromByteOffset: 8, as: Int64.self)
        }
        return true
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

let benchmarks: @Sendable () -> Void = {
    let environment = ProcessInfo.processInfo.environment
    guard environment["STOCKD_BENCH_SERVING"] == "1" else { return }
    let sizes = environment["STOCKD_BENCH_SERVING_SIZES"].map { $0.split(separator: ",").compactMap { Int($0) } } ?? [50_000]
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )
    for size in sizes {
        let label = BenchmarkSizes.label(size)
        let lookupSKUs = Holder<[String]>([])
        Benchmark("serve-by-sku-from-projection-warehouse-\(label)") { benchmark in
            let fixture = CatalogueFixture.shared(size)
            let snapshot = fixture.projection.snapshot()
            let scope = fixture.warehouseScope
            let skus = lookupSKUs.value
            let mask = skus.count - 1
            let start = benchmark.currentIteration &* 1_000
            benchmark.startMeasurement()
            for index in benchmark.scaledIterations {
                if let id = snapshot.variants(sku: skus[(start &+ index) & mask]).first { blackHole(snapshot.figures(for: id, in: scope)) }
            }
        } setup: {
            lookupSKUs.value = MapServingFixture.lookupSKUs(CatalogueFixture.shared(size))
        }
        let map = Holder<MapServingFixture?>(nil)
        Benchmark("serve-by-sku-from-lmdb-map-warehouse-\(label)") { benchmark in
            let map = map.value!
            let skus = map.lookupSKUs
            let mask = skus.count - 1
            let start = benchmark.currentIteration &* 1_000
            benchmark.startMeasurement()
            for index in benchmark.scaledIterations { blackHole(try map.figures(sku: skus[(start &+ index) & mask])) }
        } setup: {
            map.value = try MapServingFixture(CatalogueFixture.shared(size))
        } teardown: {
            map.value?.remove()
        }
    }
}
