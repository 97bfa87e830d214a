import Testing

@testable import StockProjection

/// The plain-data tables the projection keeps levels and open moves in, checked against plain dictionaries: per-key
/// lists in chunk pools (``FlatListTable``) and id → variant owners in dense or sparse pages (``OwnerTable``), and
/// that a copy taken before changes (a published snapshot) keeps what it held.
@Suite struct FlatStorageTests {
    typealias Random = MoveStorageTests.Random

    /// Random appends, replacements and removals over keys in three chunks, with a copy taken now and then: the
    /// table equals the model after every step, and each copy still equals the model of its time.
    @Test func listTableMatchesAModelAndCopiesOnWrite() {
        var table = FlatListTable<StockEntry>()
        var model: [Int: [StockEntry]] = [:]
        var random = Random(state: 12)
        var published: [(FlatListTable<StockEntry>, [Int: [StockEntry]])] = []
        func entry(_ id: Int) -> StockEntry {
            StockEntry(quantID: QuantID(Int32(id)), locationID: LocationID(Int32(id % 7)), quantity: Quantity(units: id), reserved: .zero)
        }
        for step in 0..<40_000 {
            // Few keys get long lists, most get short ones, so lists move and chunks compact.
            let key = Bool.random(using: &random) ? Int.random(in: 0..<8, using: &random) : Int.random(in: 0..<1_400, using: &random)
            let count = model[key]?.count ?? 0
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                table.append(entry(step), to: key)
                model[key, default: []].append(entry(step))
            case 5..<7 where count > 0:
                let index = Int.random(in: 0..<count, using: &random)
                #expect(table.replace(in: key, at: index, with: entry(-step)) == model[key]![index])
                model[key]![index] = entry(-step)
            case 7..<10 where count > 0:
                let index = Int.random(in: 0..<count, using: &random)
                #expect(table.remove(from: key, at: index) == model[key]![index])
                model[key]!.swapAt(index, count - 1)
                model[key]!.removeLast()
            default:
                break
            }
            if Array(table[key]) != (model[key] ?? []) { Issue.record("key \(key) differs from the model at step \(step)") }
            if step % 4_000 == 0 { published.append((table, model)) }
        }
        for (copy, copyModel) in published + [(table, model)] {
            let wrong = (0..<1_600).filter { key in
                Array(copy[key]) != (copyModel[key] ?? []) || copy.withEntries(key) { Array($0) } != (copyModel[key] ?? [])
            }
            #expect(wrong.isEmpty, "keys that differ from the model: \(wrong.prefix(10))")
            var visited = 0
            copy.forEachKey(from: 0) { key, entries in
                #expect(Array(entries) == (copyModel[key] ?? []))
                visited += entries.count
                return true
            }
            #expect(visited == copyModel.values.reduce(0) { $0 + $1.count })
        }
        let storage = table.storage
        #expect(storage.entries == model.values.reduce(0) { $0 + $1.count })
        // Each chunk may hold up to about twice its entries (moved lists and spare) before it compacts.
        #expect(storage.slots <= 2 * storage.entries + 64 * table.chunks.count)
        #expect(table[-1].isEmpty && table[1 << 20].isEmpty)
    }

    /// Removing every entry of a chunk frees it.
    @Test func anEmptiedChunkIsFreed() {
        var table = FlatListTable<MoveEntry>()
        let move = MoveEntry(
            StockMove(
                id: MoveID(1), variantID: VariantID(3), quantity: Quantity(units: 2), state: .confirmed, sourceID: LocationID(1),
                destinationID: LocationID(2), date: 0))
        for key in 600..<700 { table.append(move, to: key) }
        for key in 600..<700 { table.remove(from: key, at: 0) }
        #expect(table.chunks[1] == nil)
        #expect(table.storage.slots == 0)
    }

    /// Ids in dense runs (pages turn dense), ids 4,096 apart (each page sparse), negative and huge ids (the
    /// overflow dictionary), re-owned and removed ids, with copies taken now and then.
    @Test func ownerTableMatchesADictionaryAndCopiesOnWrite() {
        var table = OwnerTable<Quant>()
        var model: [Int32: VariantID] = [:]
        var random = Random(state: 14)
        var published: [(OwnerTable<Quant>, [Int32: VariantID])] = []
        func someID() -> Int32 {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: Int32.random(in: 0..<6_000, using: &random)  // dense: page 0 turns dense, page 1 half
            case 1: Int32(Int.random(in: 2..<64, using: &random) * 4_096 + Int.random(in: 0..<8, using: &random))
            case 2: Int32.random(in: -5...0, using: &random)
            default: Int32.max - Int32.random(in: 0..<5, using: &random)
            }
        }
        for step in 0..<60_000 {
            let id = someID()
            // Grow for the first half, then mostly shrink, so dense pages turn sparse again.
            if Int.random(in: 0..<4, using: &random) < (step < 30_000 ? 3 : 1) {
                let variant = VariantID(Int32.random(in: 0..<1_000, using: &random))
                table.set(variant, for: QuantID(id))
                model[id] = variant
            } else {
                #expect(table.remove(QuantID(id)) == model.removeValue(forKey: id))
            }
            if step % 10_000 == 0 { published.append((table, model)) }
        }
        for (copy, copyModel) in published + [(table, model)] {
            #expect(copy.count == copyModel.count)
            let ids = Array(Int32(-8)..<(64 * 4_096 + 8)) + Array((Int32.max - 8)...Int32.max)
            let wrong = ids.filter { copy[QuantID($0)] != copyModel[$0] }
            #expect(wrong.isEmpty, "owners that differ from the model: \(wrong.prefix(10))")
        }
    }
}
