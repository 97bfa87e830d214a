/// Which variant holds each record of a table (a quant, an open move), for deletes and closes that carry only the
/// record's id: plain data addressed by the Odoo id, about 4 bytes per record where ids are dense.
///
/// Odoo ids are serials, so the records held crowd into ranges. Ids are split into pages of 4,096; a page where
/// more than 2,560 of the ids are held is a dense array of variant ids (16 KiB), a page with fewer a sorted array
/// of packed (id, variant) entries (6 bytes each), so ids that are sparse (quants deleted and created anew, moves
/// long done) cost what they hold. Ids beyond the page directory's reach (2^28 and up) and negative ids go
/// to a dictionary. Copying the table copies the page directory; a change afterwards copies the one page it
/// touches, as ``FlatListTable`` does with its chunks.
struct OwnerTable<Record>: Sendable {
    static var pageShift: Int { 12 }
    static var pageSize: Int { 1 << pageShift }
    /// Pages the directory may address (ids below 2^28).
    static var pageLimit: Int { 1 << 16 }

    private(set) var pages: ContiguousArray<OwnerPage> = []
    private var overflow: [Int32: VariantID] = [:]

    /// The records held.
    private(set) var count = 0

    /// The variant that holds `id`, or `nil` when no variant holds it.
    ///
    /// - Complexity: O(1) for a dense page, O(log 1,024) for a sparse one; no allocation.
    subscript(id: OdooID<Record>) -> VariantID? {
        let raw = Int(id.rawValue)
        let page = raw >> Self.pageShift
        guard raw >= 0, page < Self.pageLimit else { return overflow[id.rawValue] }
        guard page < pages.count else { return nil }
        return pages[page].owner(of: raw & (Self.pageSize - 1)).map(VariantID.init(rawValue:))
    }

    /// Records that `variant` holds `id`, replacing any earlier owner.
    mutating func set(_ variant: VariantID, for id: OdooID<Record>) {
        let raw = Int(id.rawValue)
        let page = raw >> Self.pageShift
        guard raw >= 0, page < Self.pageLimit else {
            if overflow.updateValue(variant, forKey: id.rawValue) == nil { count += 1 }
            return
        }
        if page >= pages.count { pages.append(contentsOf: repeatElement(OwnerPage(), count: page - pages.count + 1)) }
        if pages[page].set(variant.rawValue, at: raw & (Self.pageSize - 1)) { count += 1 }
    }

    /// Forgets `id`, returning the variant that held it, or `nil` when none did.
    @discardableResult
    mutating func remove(_ id: OdooID<Record>) -> VariantID? {
        let raw = Int(id.rawValue)
        let page = raw >> Self.pageShift
        guard raw >= 0, page < Self.pageLimit else {
            let removed = overflow.removeValue(forKey: id.rawValue)
            if removed != nil { count -= 1 }
            return removed
        }
        guard page < pages.count, pages[page].owner(of: raw & (Self.pageSize - 1)) != nil else { return nil }
        count -= 1
        return pages[page].remove(at: raw & (Self.pageSize - 1)).map(VariantID.init(rawValue:))
    }

    /// Bytes the pages hold (dense slots and sparse pairs, spare capacity included), for the footprint figures.
    var pageBytes: Int { pages.reduce(0) { $0 + $1.slots.capacity * 4 + $1.triples.capacity * 2 } }

    /// Empties the table.
    mutating func removeAll() {
        pages = []
        overflow = [:]
        count = 0
    }
}

/// 4,096 ids of an ``OwnerTable``: dense (`slots`, ``OwnerPage/none`` where no variant holds the id) or sparse
/// (`triples`: for each held id, in id order, three 16-bit words: the id within the page, then the variant id's
/// low and high halves; 6 bytes per held id).
///
/// A dense page costs 16 KiB whatever it holds, a sparse one 6 bytes per held id: the page turns dense only above
/// 2,560 held ids (where the two cost about the same) and sparse again below 2,048, so every other id held (the
/// shape of open moves among done ones) costs 6 bytes, not 8.
struct OwnerPage: Sendable {
    static var none: Int32 { .min }
    /// A sparse page becomes dense above this many ids ...
    static var denseAbove: Int { 2_560 }
    /// ... and a dense page sparse again below this many.
    static var sparseBelow: Int { 2_048 }

    private(set) var slots = ContiguousArray<Int32>()
    private(set) var triples = ContiguousArray<UInt16>()
    private var held = 0

    /// Whether the page is a dense array of owners.
    var isDense: Bool { !slots.isEmpty }

    /// The owner stored at triple `index`.
    @inline(__always)
    private func owner(atTriple index: Int) -> Int32 {
        Int32(bitPattern: UInt32(triples[3 &* index &+ 1]) | UInt32(triples[3 &* index &+ 2]) &<< 16)
    }

    /// The first triple whose slot is not below `slot`.
    private func lowerBound(_ slot: Int) -> Int {
        let key = UInt16(truncatingIfNeeded: slot)
        var low = 0
        var high = triples.count / 3
        while low < high {
            let middle = (low + high) >> 1
            if triples[3 &* middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    @inline(__always)
    private func tripleMatches(_ index: Int, _ slot: Int) -> Bool { 3 * index < triples.count && Int(triples[3 &* index]) == slot }

    func owner(of slot: Int) -> Int32? {
        if !slots.isEmpty {
            let owner = slots[slot]
            return owner == Self.none ? nil : owner
        }
        let index = lowerBound(slot)
        return tripleMatches(index, slot) ? owner(atTriple: index) : nil
    }

    /// Sets the owner of `slot`; returns whether the slot was free.
    mutating func set(_ owner: Int32, at slot: Int) -> Bool {
        precondition(owner != Self.none, "OwnerPage owners are variant ids")
        if !slots.isEmpty {
            let wasFree = slots[slot] == Self.none
            slots[slot] = owner
            if wasFree { held += 1 }
            return wasFree
        }
        let index = lowerBound(slot)
        let low = UInt16(truncatingIfNeeded: UInt32(bitPattern: owner))
        let high = UInt16(truncatingIfNeeded: UInt32(bitPattern: owner) >> 16)
        if tripleMatches(index, slot) {
            triples[3 * index + 1] = low
            triples[3 * index + 2] = high
            return false
        }
        triples.insertCompactly(UInt16(truncatingIfNeeded: slot), low, high, at: 3 * index)
        held += 1
        if held > Self.denseAbove { makeDense() }
        return true
    }

    /// Frees `slot`, returning its owner.
    mutating func remove(at slot: Int) -> Int32? {
        if !slots.isEmpty {
            let owner = slots[slot]
            guard owner != Self.none else { return nil }
            slots[slot] = Self.none
            held -= 1
            if held < Self.sparseBelow { makeSparse() }
            return owner
        }
        let index = lowerBound(slot)
        guard tripleMatches(index, slot) else { return nil }
        let owner = owner(atTriple: index)
        triples.removeSubrange((3 * index)..<(3 * index + 3))
        triples.shrinkIfSparse()
        held -= 1
        return owner
    }

    private mutating func makeDense() {
        var dense = ContiguousArray(repeating: Self.none, count: OwnerTable<Never>.pageSize)
        for index in 0..<(triples.count / 3) { dense[Int(triples[3 * index])] = owner(atTriple: index) }
        slots = dense
        triples = []
    }

    private mutating func makeSparse() {
        var sparse = ContiguousArray<UInt16>()
        sparse.reserveCapacity(3 * held)
        for (slot, owner) in slots.enumerated() where owner != Self.none {
            let bits = UInt32(bitPattern: owner)
            sparse.append(UInt16(truncatingIfNeeded: slot))
            sparse.append(UInt16(truncatingIfNeeded: bits))
            sparse.append(UInt16(truncatingIfNeeded: bits >> 16))
        }
        triples = sparse
        slots = []
    }
}

extension ContiguousArray {
    /// Inserts three elements at `index`, growing the buffer by an eighth (at least the three) instead of doubling:
    /// sparse owner pages are many small arrays whose spare capacity would otherwise cost as much as their contents.
    ///
    /// A buffer shared with a published snapshot is copied anyway on change, so the slower growth costs little.
    mutating func insertCompactly(_ first: Element, _ second: Element, _ third: Element, at index: Int) {
        if count + 3 > capacity {
            var grown = ContiguousArray()
            grown.reserveCapacity(count + count / 8 + 3)
            grown.append(contentsOf: self[..<index])
            grown.append(first)
            grown.append(second)
            grown.append(third)
            grown.append(contentsOf: self[index...])
            self = grown
        } else {
            // Room for three more: append, then shift the tail up by three and write the new elements in its place.
            let tail = count - index
            append(first)
            append(second)
            append(third)
            withUnsafeMutableBufferPointer { buffer in
                var position = index + tail - 1
                while position >= index {
                    buffer[position + 3] = buffer[position]
                    position -= 1
                }
                buffer[index] = first
                buffer[index + 1] = second
                buffer[index + 2] = third
            }
        }
    }

    /// Moves the elements to an exact-capacity buffer once more than a quarter (plus two) of the capacity is
    /// spare, and frees the buffer of an empty array, so lists that shrank give their memory back.
    mutating func shrinkIfSparse() {
        if isEmpty {
            if capacity > 0 { self = [] }
        } else if capacity > count + count / 4 + 2 {
            var exact = ContiguousArray()
            exact.reserveCapacity(count)
            exact.append(contentsOf: self)
            self = exact
        }
    }
}

// MARK: Bulk building (a reload from storage)

extension OwnerTable {
    /// The table that `set(owners[i], for: ids[i])` for every position builds, from ids in ascending order: each
    /// page made once, dense where it holds more than ``OwnerPage/denseAbove`` ids (as the row-by-row path leaves
    /// it), sparse and exactly sized otherwise.
    ///
    /// - Precondition: `ids` ascend strictly and pair up with `owners`.
    init(bulkAscendingIDs ids: UnsafeBufferPointer<Int32>, owners: UnsafeBufferPointer<Int32>) {
        self.init()
        precondition(ids.count == owners.count, "OwnerTable bulk ids and owners pair up")
        var position = 0
        while position < ids.count {
            let raw = Int(ids[position])
            let page = raw >> Self.pageShift
            guard raw >= 0, page < Self.pageLimit else {
                // Negative ids and ids past the directory's reach go to the dictionary, as `set` puts them.
                set(VariantID(owners[position]), for: OdooID(ids[position]))
                position += 1
                continue
            }
            var end = position + 1
            while end < ids.count, Int(ids[end]) >> Self.pageShift == page, ids[end] >= 0 {
                precondition(ids[end] > ids[end - 1], "OwnerTable bulk ids ascend")
                end += 1
            }
            if page >= pages.count { pages.append(contentsOf: repeatElement(OwnerPage(), count: page - pages.count + 1)) }
            pages[page] = OwnerPage(
                bulkSlots: UnsafeBufferPointer(rebasing: ids[position..<end]), owners: UnsafeBufferPointer(rebasing: owners[position..<end]))
            count += end - position
            position = end
        }
    }
}

extension OwnerPage {
    /// A page holding `owners[i]` for the id `ids[i]` (ascending, all in this page).
    init(bulkSlots ids: UnsafeBufferPointer<Int32>, owners: UnsafeBufferPointer<Int32>) {
        let mask = OwnerTable<Never>.pageSize - 1
        held = ids.count
        if held > Self.denseAbove {
            var dense = ContiguousArray(repeating: Self.none, count: OwnerTable<Never>.pageSize)
            for (id, owner) in zip(ids, owners) {
                precondition(owner != Self.none, "OwnerPage owners are variant ids")
                dense[Int(id) & mask] = owner
            }
            slots = dense
        } else {
            var sparse = ContiguousArray<UInt16>()
            sparse.reserveCapacity(3 * held)
            for (id, owner) in zip(ids, owners) {
                precondition(owner != Self.none, "OwnerPage owners are variant ids")
                let bits = UInt32(bitPattern: owner)
                sparse.append(UInt16(truncatingIfNeeded: Int(id) & mask))
                sparse.append(UInt16(truncatingIfNeeded: bits))
                sparse.append(UInt16(truncatingIfNeeded: bits >> 16))
            }
            triples = sparse
        }
    }
}
