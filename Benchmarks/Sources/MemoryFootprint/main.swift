// Memory a projection holds per stock level, measured without package-benchmark's malloc interposer (which adds a
// 16-byte header to every allocation in benchmark processes).
//
//   swift run -c release MemoryFootprint [variants ...]      # default: 5000 50000 (and 500000 with STOCKD_BENCH_FULL=1)
//
// For each catalogue size it builds the projection twice and reports the growth of the C heap in use (glibc
// `mallinfo2`, allocator overhead included) and of the resident set size (`/proc/self/statm`):
//   * "catalogue": rows loaded from the generated catalogue in memory (long strings are shared with the catalogue),
//   * "lmdb reload": `LMDBProjectionStore.load()`, every string freshly decoded, as stockd starts up (a bulk load),
//   * "lmdb row/row" (with STOCKD_FOOTPRINT_ROW_BY_ROW=1): `LMDBProjectionStore.loadRowByRow()`, the same rows
//     through the apply path (the bulk load's reference).
// The heap split then loads the same rows in steps: records, quants alone, and open moves alone (one move on every
// other variant, issue 14's shape: 500,000 open moves at 1M variants). The records themselves load in two steps:
// everything but the variants (templates, units, locations, warehouses, BoMs), then the variants with their SKU,
// barcode and template indexes. Within the first step the kit source's attribute rows (template attribute values,
// `product_variant_combination` and BoM-line value links, which grow with the catalogue) are measured on their own.
// A level is one (variant, location) key; quant rows also count the few duplicate rows Odoo leaves for one key.

import BenchmarkFixtures
import CHeapStats
import Foundation
import StockCatalogue
import StockProjection
import StockStorage

struct Footprint {
    var heap: Int
    var resident: Int
    var seconds: Double
}

func measure<T>(_ body: () throws -> T) rethrows -> (T, Footprint) {
    stockd_heap_trim()
    let heap = Int(stockd_heap_bytes_in_use())
    let resident = Int(stockd_resident_bytes())
    let clock = ContinuousClock()
    let start = clock.now
    let value = try body()
    let elapsed = start.duration(to: clock.now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let after = Footprint(heap: Int(stockd_heap_bytes_in_use()) - heap, resident: Int(stockd_resident_bytes()) - resident, seconds: seconds)
    return (value, after)
}

func row(_ columns: [String]) -> String {
    let widths = [10, 13, 10, 10, 10, 10, 14, 12, 10, 10]
    return zip(columns, widths).map { column, width in
        String(repeating: " ", count: max(0, width - column.count)) + column
    }.joined(separator: " ")
}

func mib(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
func perLevel(_ bytes: Int, _ levels: Int) -> String { String(format: "%.1f", Double(bytes) / Double(max(levels, 1))) }

var sizes = CommandLine.arguments.dropFirst().compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
if sizes.isEmpty { sizes = BenchmarkSizes.catalogues }

var breakdown: [String] = []
var recordSplit: [String] = []
var catalogueParts: [String] = []

/// The catalogue's parts per variant (capacity bytes, allocator headers excluded), from `catalogueFootprint`.
func describeParts(_ label: String, _ parts: CatalogueFootprint) -> String {
    let variants = max(parts.variants, 1)
    func per(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / Double(variants)) }
    func index(_ name: String, _ part: (bytes: Int, entries: Int)) -> String {
        "\(name) index \(per(part.bytes)) (\(part.entries) entries, \(perLevel(part.bytes, part.entries)) B/entry)"
    }
    return "\(label): \(parts.variants) variants, B/variant: records \(per(parts.variantRecords)), strings \(per(parts.strings)) "
        + "(in use \(per(parts.stringsInUse))), " + index("SKU", parts.skuIndex) + ", " + index("barcode", parts.barcodeIndex) + ", "
        + index("template", parts.templateIndex) + ", total \(per(parts.total)) (+ templates \(mib(parts.templateRecords)) MiB)"
}
print(row(["variants", "source", "quants", "levels", "heap MiB", "RSS MiB", "heap B/level", "RSS B/level", "B/quant", "seconds"]))
for size in sizes {
    let catalogue = OdooCatalogue(shape: .benchmark(variants: size))
    let levels = CatalogueFixture.distinctLevels(catalogue.quants)
    let quants = catalogue.quants.count

    do {
        let changes = catalogue.allChanges
        let (state, used) = measure { () -> ProjectionState in
            var state = ProjectionState(checkpoint: Checkpoint(position: 1))
            for change in changes { state.load(change) }
            state.finishLoading()
            return state
        }
        precondition(state.quantCount == quants)
        catalogueParts.append(describeParts("\(BenchmarkSizes.label(size)) catalogue", state.catalogueFootprint))
        print(
            row([
                BenchmarkSizes.label(size), "catalogue", "\(quants)", "\(levels)", mib(used.heap), mib(used.resident),
                perLevel(used.heap, levels), perLevel(used.resident, levels), perLevel(used.heap, quants), String(format: "%.3f", used.seconds),
            ]))
        withExtendedLifetime(changes) {}
    }

    // The same, in two steps: records (units, templates, variants, locations, warehouses), then the quants alone.
    do {
        let changes = catalogue.allChanges
        let records = changes.filter { if case .upsertQuant = $0 { false } else { true } }
        let quantRows = changes.filter { if case .upsertQuant = $0 { true } else { false } }
        let variantRows = records.filter { if case .upsertVariant = $0 { true } else { false } }
        let otherRecords = records.filter { if case .upsertVariant = $0 { false } else { true } }
        // The kit source's attribute rows (value rows, variant and BoM-line links) grow with the catalogue: measured
        // on their own, after the rest.
        func isAttributeRow(_ change: StockChange) -> Bool {
            switch change {
            case .upsertAttributeValue, .linkVariantValue, .linkBoMLineValue: true
            default: false
            }
        }
        let attributeRows = otherRecords.filter(isAttributeRow)
        let restRows = otherRecords.filter { !isAttributeRow($0) }
        let variantLinks = attributeRows.count { if case .linkVariantValue = $0 { true } else { false } }
        var (state, restUsed) = measure { () -> ProjectionState in
            var state = ProjectionState(checkpoint: Checkpoint(position: 1))
            for change in restRows { state.load(change) }
            return state
        }
        let (_, attributesUsed) = measure { for change in attributeRows { state.load(change) } }
        let otherUsed = Footprint(heap: restUsed.heap + attributesUsed.heap, resident: 0, seconds: 0)
        let (_, variantsUsed) = measure {
            for change in variantRows { state.load(change) }
            state.finishLoading()
        }
        let recordsUsed = Footprint(heap: otherUsed.heap + variantsUsed.heap, resident: 0, seconds: 0)
        let templates = otherRecords.count { if case .upsertTemplate = $0 { true } else { false } }
        recordSplit.append(
            "\(BenchmarkSizes.label(size)): templates, units, locations, warehouses, BoMs \(mib(otherUsed.heap)) MiB heap "
                + "(\(templates) templates, \(perLevel(otherUsed.heap, templates)) B/template); "
                + "variants with their SKU, barcode and template indexes \(mib(variantsUsed.heap)) MiB heap = "
                + "\(perLevel(variantsUsed.heap, variantRows.count)) B/variant (\(variantRows.count) variants); "
                + "of the first step, the kit source's attribute rows (\(attributeRows.count) rows, \(variantLinks) variant links) "
                + "\(mib(attributesUsed.heap)) MiB heap = \(perLevel(attributesUsed.heap, variantRows.count)) B/variant, "
                + "\(String(format: "%.3f", attributesUsed.seconds)) s"
        )
        let (_, quantsUsed) = measure { for change in quantRows { state.load(change) } }
        let moves = MoveFixture.moves(of: catalogue, movesPerVariant: 1).filter { $0.variantID.rawValue % 2 == 0 }
        let (_, movesUsed) = measure { for move in moves { state.load(.upsertMove(move)) } }
        precondition(state.openMoveCount == moves.count)
        breakdown.append(
            "\(BenchmarkSizes.label(size)): records \(mib(recordsUsed.heap)) MiB heap = \(perLevel(recordsUsed.heap, size)) B/variant "
                + "(\(perLevel(recordsUsed.heap, levels)) B/level); quants \(mib(quantsUsed.heap)) MiB heap = \(perLevel(quantsUsed.heap, levels)) B/level; "
                + "\(moves.count) open moves (every other variant) \(mib(movesUsed.heap)) MiB heap = \(perLevel(movesUsed.heap, moves.count)) B/move, "
                + "\(String(format: "%.3f", movesUsed.seconds)) s"
        )
        withExtendedLifetime((changes, records, quantRows, moves, state)) {}
    }

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stockd-footprint-\(getpid())-\(size)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try LMDBProjectionStore(path: directory.path, durability: .noSync)
    do {
        let writer = StockProjection()
        try writer.apply([SourceTransaction(checkpoint: Checkpoint(position: 1), changes: catalogue.allChanges)], persistingTo: store)
    }
    let (state, used) = try measure { try store.load(settings: ProjectionSettings()) }
    precondition(state.quantCount == quants)
    catalogueParts.append(describeParts("\(BenchmarkSizes.label(size)) lmdb reload", state.catalogueFootprint))
    print(
        row([
            BenchmarkSizes.label(size), "lmdb reload", "\(quants)", "\(levels)", mib(used.heap), mib(used.resident),
            perLevel(used.heap, levels), perLevel(used.resident, levels), perLevel(used.heap, quants), String(format: "%.3f", used.seconds),
        ]))
    // The reload also restores the change feed's history (the initial transaction above logged every level, up to
    // ProjectionSettings.changeLogCapacity entries of 8 bytes): a bounded buffer, not a cost per level; say it apart.
    let changeLogBytes = state.changeLogBytes
    breakdown.append(
        "\(BenchmarkSizes.label(size)) lmdb reload: change log (the /v1/changes history, at most "
            + "\(ProjectionSettings().changeLogCapacity) entries) \(mib(changeLogBytes)) MiB = \(perLevel(changeLogBytes, levels)) B/level; "
            + "the rest \(perLevel(used.heap - changeLogBytes, levels)) B/level"
    )
    withExtendedLifetime(state) {}
    // The row-by-row reload (every row through the apply path), the bulk load's reference: what the bulk tables add.
    // Only on request (STOCKD_FOOTPRINT_ROW_BY_ROW=1): it doubles the reload's time and, for a moment, its memory.
    if ProcessInfo.processInfo.environment["STOCKD_FOOTPRINT_ROW_BY_ROW"] == "1" {
        let (rowState, rowUsed) = try measure { try store.loadRowByRow(settings: ProjectionSettings()) }
        precondition(rowState.quantCount == quants)
        catalogueParts.append(describeParts("\(BenchmarkSizes.label(size)) lmdb row by row", rowState.catalogueFootprint))
        print(
            row([
                BenchmarkSizes.label(size), "lmdb row/row", "\(quants)", "\(levels)", mib(rowUsed.heap), mib(rowUsed.resident),
                perLevel(rowUsed.heap, levels), perLevel(rowUsed.resident, levels), perLevel(rowUsed.heap, quants),
                String(format: "%.3f", rowUsed.seconds),
            ]))
        withExtendedLifetime(rowState) {}
    }
}
print("")
print("heap split (catalogue rows loaded in two steps):")
for line in breakdown { print("  " + line) }
print("")
print("records split (everything but variants first, then the variants):")
for line in recordSplit { print("  " + line) }
print("")
print("catalogue parts (capacity bytes per variant, allocator headers excluded):")
for line in catalogueParts { print("  " + line) }
