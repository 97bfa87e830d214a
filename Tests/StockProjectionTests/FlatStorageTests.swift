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
            case 0: Int32.random(in: 0..<4_300, using: &random)  // dense: page 0 turns dense, page 1 a twentieth
            case 1: Int32(Int.random(in: 2..<64, using: &random) * 4_096 + Int.random(in: 0..<8, using: &random))
            case 2: Int32.random(in: -5...0, using: &random)
            default: Int32.max - Int32.random(in: 0..<5, using: &random)
            }
        }
        var sawDense = false
        var sawSparseAgain = false
        for step in 0..<60_000 {
            let id = someID()
            // Grow for the first half, then mostly shrink, so dense pages turn sparse again.
            if Int.random(in: 0..<8, using: &random) < (step < 30_000 ? 7 : 2) {
                let variant = VariantID(Int32.random(in: 0..<1_000, using: &random))
                table.set(variant, for: QuantID(id))
                model[id] = variant
            } else {
                #expect(table.remove(QuantID(id)) == model.removeValue(forKey: id))
            }
            if step % 10_000 == 0 { published.append((table, model)) }
            if table.pages.first?.isDense == true { sawDense = true } else if sawDense { sawSparseAgain = true }
        }
        #expect(sawDense && sawSparseAgain, "page 0 turns dense, then sparse again")
        for (copy, copyModel) in published + [(table, model)] {
            #expect(copy.count == copyModel.count)
            let ids = Array(Int32(-8)..<(64 * 4_096 + 8)) + Array((Int32.max - 8)...Int32.max)
            let wrong = ids.filter { copy[QuantID($0)] != copyModel[$0] }
            #expect(wrong.isEmpty, "owners that differ from the model: \(wrong.prefix(10))")
        }
    }

    /// A chunk whose pool outgrows 16-bit offsets (more than 65,535 entry slots) switches to 8-byte spans when it
    /// reorganizes, and back to 4-byte spans once it shrinks: random appends, replacements and removals over the 512
    /// keys of one chunk, up to about 80,000 entries and back down, equal the model throughout, and copies taken in
    /// both forms keep what they held.
    @Test func aChunkBeyond65535EntriesTurnsWideAndNarrowAgain() {
        var table = FlatListTable<StockEntry>()
        var model = Array(repeating: [StockEntry](), count: 512)
        var random = Random(state: 65_535)
        var published: [(FlatListTable<StockEntry>, [[StockEntry]])] = []
        func entry(_ id: Int) -> StockEntry {
            StockEntry(quantID: QuantID(Int32(id)), locationID: LocationID(Int32(id % 5)), quantity: Quantity(units: id), reserved: .zero)
        }
        var forms: [Bool] = []  // the chunk's form after each change of form
        func step(_ step: Int, growing: Bool) {
            let key = Int.random(in: 0..<512, using: &random)
            let count = model[key].count
            switch Int.random(in: 0..<16, using: &random) {
            case 0 where count > 0:
                let index = Int.random(in: 0..<count, using: &random)
                #expect(table.replace(in: key, at: index, with: entry(-step)) == model[key][index])
                model[key][index] = entry(-step)
            case 1..<15 where growing, 15 where !growing:
                table.append(entry(step), to: key)
                model[key].append(entry(step))
            default:
                guard count > 0 else { break }
                let index = Int.random(in: 0..<count, using: &random)
                #expect(table.remove(from: key, at: index) == model[key][index])
                model[key].swapAt(index, count - 1)
                model[key].removeLast()
            }
            if step % 97 == 0, Array(table[key]) != model[key] { Issue.record("key \(key) differs from the model at step \(step)") }
            if let isWide = table.chunks[0]?.isWide, forms.last != isWide { forms.append(isWide) }
            if step % 10_000 == 0 { published.append((table, model)) }
        }
        var steps = 0
        while table.storage.entries < 80_000 {
            step(steps, growing: true)
            steps += 1
        }
        while table.storage.entries > 20_000 {
            step(steps, growing: false)
            steps += 1
        }
        #expect(forms.first == false && forms.contains(true) && forms.last == false, "narrow, wide past 65,535 slots, narrow again: \(forms)")
        #expect(published.contains { $0.0.chunks[0]?.isWide == true } && published.contains { $0.0.chunks[0]?.isWide == false })
        for (copy, copyModel) in published + [(table, model)] {
            let wrong = (0..<512).filter { Array(copy[$0]) != copyModel[$0] || copy.withEntries($0) { Array($0) } != copyModel[$0] }
            #expect(wrong.isEmpty, "keys that differ from the model: \(wrong.prefix(10))")
        }
    }

    /// Copying a chunk without compacting it re-encodes the spans when the copy's pool calls for the other form:
    /// 60,000 entries in a narrow pool copy to a wide one (room for an eighth more), and 1,000 entries in a wide pool
    /// copy to a narrow one; the copies hold the same lists.
    @Test func aChunkCopyChangesFormWithItsCapacity() {
        let entries = (0..<60_000).map { Int32($0) }
        // Lists filled one after the other grow in place at the end of the pool: no gaps, so the copies do not compact.
        let narrow = FlatListChunk<Int32>(keys: 512, capacity: 65_535)
        for value in entries { narrow.append(value, to: value < 40_000 ? 7 : 511) }
        #expect(!narrow.isWide)
        let wideCopy = narrow.copy()
        #expect(wideCopy.isWide && wideCopy.capacity > 65_535)
        let wide = FlatListChunk<Int32>(keys: 512, capacity: 70_000)
        for value in entries.prefix(1_000) { wide.append(value, to: Int(value) / 2) }
        #expect(wide.isWide)
        let narrowCopy = wide.copy()
        #expect(!narrowCopy.isWide)
        for (original, copy) in [(narrow, wideCopy), (wide, narrowCopy)] {
            let wrong = (0..<512).filter { Array(original.entries(of: $0)) != Array(copy.entries(of: $0)) }
            #expect(wrong.isEmpty, "slots whose lists differ in the copy: \(wrong.prefix(10))")
            #expect(copy.live == original.live)
        }
        #expect(Array(wideCopy.entries(of: 7)) == Array(entries.prefix(40_000)))
        #expect(Array(wideCopy.entries(of: 511)) == Array(entries.suffix(20_000)))
        #expect(Array(narrowCopy.entries(of: 5)) == [10, 11])
    }

    /// Every other id held (open moves among done ones) keeps pages sparse at 6 bytes per id; filling a page makes it
    /// dense, emptying it below 2,048 sparse again; variant ids wider than 16 bits read back whole in both forms.
    @Test func ownerPagesPackEveryOtherIdInSixBytes() {
        var table = OwnerTable<StockMove>()
        var model: [Int32: VariantID] = [:]
        func owner(_ id: Int32) -> VariantID { VariantID(id % 3 == 0 ? Int32.max - id : 70_000 + id) }
        for id in stride(from: Int32(0), to: 4 * 4_096, by: 2) {
            table.set(owner(id), for: MoveID(id))
            model[id] = owner(id)
        }
        #expect(table.pages.allSatisfy { !$0.isDense })
        #expect(table.pageBytes <= 4 * 2_048 * 6 + 4 * 2_048 * 6 / 8 + 64, "about 6 bytes per id: \(table.pageBytes)")
        for id in stride(from: Int32(1), to: 4_096, by: 2) {
            table.set(owner(id), for: MoveID(id))
            model[id] = owner(id)
        }
        #expect(table.pages[0].isDense && !table.pages[1].isDense)
        let denseCopy = table
        let denseModel = model
        for id in Int32(0)..<2_100 { #expect(table.remove(MoveID(id)) == model.removeValue(forKey: id)) }
        #expect(!table.pages[0].isDense && denseCopy.pages[0].isDense)
        for (copy, copyModel) in [(denseCopy, denseModel), (table, model)] {
            #expect(copy.count == copyModel.count)
            let wrong = (Int32(0)..<(4 * 4_096 + 8)).filter { copy[MoveID($0)] != copyModel[$0] }
            #expect(wrong.isEmpty, "owners that differ from the model: \(wrong.prefix(10))")
        }
    }
}
