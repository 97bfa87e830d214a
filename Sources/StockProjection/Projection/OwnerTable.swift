/// Which variant holds each record of a table (a quant, an open move), for deletes and closes that carry only the
/// record's id: plain data addressed by the Odoo id, about 4 bytes per record where ids are dense.
///
/// Odoo ids are serials, so the records held crowd into ranges. Ids are split into pages of 4,096; a page where
/// more than a quarter of the ids are held is a dense array of variant ids (16 KiB), a page with fewer a sorted
/// array of packed (id, variant) pairs (8 bytes each), so ids that are sparse (quants deleted and created anew,
/// moves long done) cost what they hold. Ids beyond the page directory's reach (2^28 and up) and negative ids go
/// to a dictionary. Copying the table copies the page directory; a change afterwards copies the one page it
/// touches, as ``FlatListTable`` does with its chunks.
struct OwnerTable<Record>: Sendable {
    static var pageShift: Int { 12 }
    static var pageSize: Int { 1 << pageShift }
    /// Pages the directory may address (ids below 2^28).
    static var pageLimit: Int { 1 << 16 }

    private var pages: ContiguousArray<OwnerPage> = []
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
    var pageBytes: Int { pages.reduce(0) { $0 + $1.slots.capacity * 4 + $1.pairs.capacity * 8 } }

    /// Empties the table.
    mutating func removeAll() {
        pages = []
        overflow = [:]
        count = 0
    }
}

/// 4,096 ids of an ``OwnerTable``: dense (`slots`, ``OwnerPage/none`` where no variant holds the id) or sparse
/// (`pairs`, sorted, id within the page in the high half and variant in the low half).
struct OwnerPage: Sendable {
    static var none: Int32 { .min }
    /// A sparse page becomes dense above this many ids ...
    static var denseAbove: Int { 1_024 }
    /// ... and a dense page sparse again below this many.
    static var sparseBelow: Int { 256 }

    private(set) var slots = ContiguousArray<Int32>()
    private(set) var pairs = ContiguousArray<UInt64>()
    private var held = 0

    @inline(__always)
    private static func pack(_ slot: Int, _ owner: Int32) -> UInt64 { UInt64(slot) << 32 | UInt64(UInt32(bitPattern: owner)) }

    /// The first position in `pairs` whose slot is not below `slot`.
    private func lowerBound(_ slot: Int) -> Int {
        let key = UInt64(slot) << 32
        var low = 0
        var high = pairs.count
        while low < high {
            let middle = (low + high) >> 1
            if pairs[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    @inline(__always)
    private func pairMatches(_ index: Int, _ slot: Int) -> Bool { index < pairs.count && Int(pairs[index] >> 32) == slot }

    func owner(of slot: Int) -> Int32? {
        if !slots.isEmpty {
            let owner = slots[slot]
            return owner == Self.none ? nil : owner
        }
        let index = lowerBound(slot)
        return pairMatches(index, slot) ? Int32(bitPattern: UInt32(truncatingIfNeeded: pairs[index])) : nil
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
        if pairMatches(index, slot) {
            pairs[index] = Self.pack(slot, owner)
            return false
        }
        pairs.insertCompactly(Self.pack(slot, owner), at: index)
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
        guard pairMatches(index, slot) else { return nil }
        let owner = Int32(bitPattern: UInt32(truncatingIfNeeded: pairs[index]))
        pairs.remove(at: index)
        pairs.shrinkIfSparse()
        held -= 1
        return owner
    }

    private mutating func makeDense() {
        var dense = ContiguousArray(repeating: Self.none, count: OwnerTable<Never>.pageSize)
        for pair in pairs { dense[Int(pair >> 32)] = Int32(bitPattern: UInt32(truncatingIfNeeded: pair)) }
        slots = dense
        pairs = []
    }

    private mutating func makeSparse() {
        var sparse = ContiguousArray<UInt64>()
        sparse.reserveCapacity(held)
        for (slot, owner) in slots.enumerated() where owner != Self.none { sparse.append(Self.pack(slot, owner)) }
        pairs = sparse
        slots = []
    }
}

extension ContiguousArray {
    /// Inserts `element`, growing the buffer by one element up to 8 and by an eighth beyond, instead of doubling:
    /// sparse owner pages are many small arrays whose spare capacity would otherwise cost as much as their contents.
    ///
    /// A buffer shared with a published snapshot is copied anyway on change, so the slower growth costs little.
    mutating func insertCompactly(_ element: Element, at index: Int) {
        if count == capacity {
            var grown = ContiguousArray()
            grown.reserveCapacity(count + count / 8 + 1)
            grown.append(contentsOf: self[..<index])
            grown.append(element)
            grown.append(contentsOf: self[index...])
            self = grown
        } else {
            insert(element, at: index)
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
