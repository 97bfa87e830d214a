/// The rows of a many-to-many link table (an owner id to the value ids linked to it: `product_variant_combination`,
/// a BoM line's attribute values, a template's variants in ``CatalogueRecords``) as plain data addressed by the
/// owner's Odoo id, in pages of 512 owners.
///
/// A page keeps its owners' values in one array, owner by owner and each owner's in ascending order, and for each
/// owner up to the last one holding values the end of its run (compressed sparse rows): 4 bytes per value and 4
/// per owner, no allocation per owner. Rows arriving in key order (owner id, then value id), as a reload reads them,
/// append to the page's arrays; a row arriving out of order shifts the rest of its page (at most a few thousand
/// words). Ids beyond the directory's reach (2^26 and up) and negative ids go to a dictionary.
///
/// Copying the table copies the page directory; a change afterwards copies the one page it touches (as
/// ``RecordTable`` and ``FlatListTable`` do), never retaining or releasing a value.
struct LinkTable<Owner, Value>: Sendable {
    static var pageShift: Int { 9 }
    static var pageSize: Int { 1 << pageShift }
    /// Pages the directory may address (owner ids below 2^26).
    static var pageLimit: Int { 1 << 17 }

    private var pages: ContiguousArray<LinkPage> = []
    /// Owners outside the directory's reach, with their values in ascending order.
    private var overflow: [Int32: [Int32]] = [:]

    /// The links held.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Whether `owner` is linked to `value`.
    ///
    /// - Complexity: O(log n) in the owner's values; no allocation.
    func contains(_ value: OdooID<Value>, for owner: OdooID<Owner>) -> Bool {
        withValues(of: owner) { values in
            let position = LinkPage.lowerBound(value.rawValue, in: values)
            return position < values.count && values[position] == value.rawValue
        }
    }

    /// Calls `body` with the raw ids of the values linked to `owner`, in ascending order (empty when none are).
    ///
    /// - Complexity: O(1) plus `body`; no allocation.
    func withValues<R>(of owner: OdooID<Owner>, _ body: (UnsafeBufferPointer<Int32>) throws -> R) rethrows -> R {
        let raw = Int(owner.rawValue)
        let page = raw >> Self.pageShift
        guard raw >= 0, page < Self.pageLimit else {
            guard let values = overflow[owner.rawValue] else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
            return try values.withUnsafeBufferPointer(body)
        }
        guard page < pages.count else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try pages[page].withValues(of: raw & (Self.pageSize - 1), body)
    }

    /// The values linked to `owner`, in ascending order.
    func values(of owner: OdooID<Owner>) -> [OdooID<Value>] {
        withValues(of: owner) { $0.map(OdooID<Value>.init(rawValue:)) }
    }

    /// Links `owner` to `value`.
    ///
    /// - Returns: `false` when they were linked already.
    /// - Complexity: amortized O(1) for a link that sorts after every link of its page (rows in key order); otherwise
    ///   O(page).
    @discardableResult
    mutating func insert(_ value: OdooID<Value>, for owner: OdooID<Owner>) -> Bool {
        let raw = Int(owner.rawValue)
        let page = raw >> Self.pageShift
        let inserted: Bool
        if raw >= 0, page < Self.pageLimit {
            if page >= pages.count { pages.append(contentsOf: repeatElement(LinkPage(), count: page - pages.count + 1)) }
            inserted = pages[page].insert(value.rawValue, at: raw & (Self.pageSize - 1))
        } else {
            var values = overflow.removeValue(forKey: owner.rawValue) ?? []
            let position = values.withUnsafeBufferPointer { LinkPage.lowerBound(value.rawValue, in: $0) }
            inserted = position == values.count || values[position] != value.rawValue
            if inserted { values.insert(value.rawValue, at: position) }
            overflow[owner.rawValue] = values
        }
        if inserted { count += 1 }
        return inserted
    }

    /// Unlinks `owner` from `value`.
    ///
    /// - Returns: `false` when they were not linked.
    @discardableResult
    mutating func remove(_ value: OdooID<Value>, for owner: OdooID<Owner>) -> Bool {
        let raw = Int(owner.rawValue)
        let page = raw >> Self.pageShift
        let removed: Bool
        if raw >= 0, page < Self.pageLimit {
            guard page < pages.count else { return false }
            removed = pages[page].remove(value.rawValue, at: raw & (Self.pageSize - 1))
        } else {
            guard var values = overflow[owner.rawValue], let position = values.firstIndex(of: value.rawValue) else { return false }
            values.remove(at: position)
            overflow[owner.rawValue] = values.isEmpty ? nil : values
            removed = true
        }
        if removed { count -= 1 }
        return removed
    }

    /// Bytes the pages and the directory hold (spare capacity included), for the footprint figures.
    var pageBytes: Int {
        pages.reduce(pages.capacity * MemoryLayout<LinkPage>.stride) { $0 + $1.ends.capacity * 4 + $1.values.capacity * 4 }
    }

    /// Empties the table.
    mutating func removeAll() {
        pages = []
        overflow = [:]
        count = 0
    }
}

/// 512 owners of a ``LinkTable``: their values, owner by owner, and where each owner's run ends.
struct LinkPage: Sendable {
    /// For each owner slot up to the last that holds values, one past its last value in ``values``; the slots past
    /// the end hold none. Empty when the page holds nothing.
    private(set) var ends: ContiguousArray<UInt32> = []
    /// Every owner's values, slot by slot, each slot's in ascending order.
    private(set) var values: ContiguousArray<Int32> = []

    /// Where `slot`'s values lie in ``values``.
    @inline(__always)
    private func range(of slot: Int) -> Range<Int> {
        guard slot < ends.count else { return values.count..<values.count }
        return (slot == 0 ? 0 : Int(ends[slot &- 1]))..<Int(ends[slot])
    }

    func withValues<R>(of slot: Int, _ body: (UnsafeBufferPointer<Int32>) throws -> R) rethrows -> R {
        let range = range(of: slot)
        return try values.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Adds `value` to `slot`'s values unless it is there; `false` when it was.
    mutating func insert(_ value: Int32, at slot: Int) -> Bool {
        if slot >= ends.count { ends.append(contentsOf: repeatElement(UInt32(values.count), count: slot - ends.count + 1)) }
        let range = range(of: slot)
        let position = range.lowerBound + values.withUnsafeBufferPointer { Self.lowerBound(value, in: UnsafeBufferPointer(rebasing: $0[range])) }
        if position < range.upperBound, values[position] == value { return false }
        if position == values.count {
            values.append(value)  // rows in key order: the page's last run grows
        } else {
            values.insert(value, at: position)
        }
        ends.withUnsafeMutableBufferPointer { ends in for later in slot..<ends.count { ends[later] += 1 } }
        return true
    }

    /// Removes `value` from `slot`'s values; `false` when it was not there. Slots left empty at the end are dropped,
    /// and an emptied page frees its arrays.
    mutating func remove(_ value: Int32, at slot: Int) -> Bool {
        guard slot < ends.count else { return false }
        let range = range(of: slot)
        let position = range.lowerBound + values.withUnsafeBufferPointer { Self.lowerBound(value, in: UnsafeBufferPointer(rebasing: $0[range])) }
        guard position < range.upperBound, values[position] == value else { return false }
        if values.count == 1 {
            self = LinkPage()
            return true
        }
        values.remove(at: position)
        ends.withUnsafeMutableBufferPointer { ends in for later in slot..<ends.count { ends[later] -= 1 } }
        while let last = ends.last, ends.count >= 2 ? ends[ends.count - 2] == last : last == 0 { ends.removeLast() }
        return true
    }

    /// The first position in ascending `values` whose value is not below `value`.
    static func lowerBound(_ value: Int32, in values: UnsafeBufferPointer<Int32>) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let middle = (low &+ high) >> 1
            if values[middle] < value { low = middle &+ 1 } else { high = middle }
        }
        return low
    }
}

// MARK: Bulk building (a reload from storage)

extension LinkTable {
    /// The link of `owner` to `value` as ``init(bulkSortedLinks:)`` takes it: sorting these sorts by owner, then
    /// value (signed order).
    @inline(__always)
    static func bulkLink(owner: Int32, value: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: owner) ^ 0x8000_0000) << 32 | UInt64(UInt32(bitPattern: value) ^ 0x8000_0000)
    }

    @inline(__always)
    private static func owner(ofLink link: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: link >> 32) ^ 0x8000_0000) }

    @inline(__always)
    private static func value(ofLink link: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: link) ^ 0x8000_0000) }

    /// A table holding `links` (from ``bulkLink(owner:value:)``, sorted ascending, each once), each page built
    /// once with no spare capacity. It answers as the table that inserting the links one by one builds.
    init(bulkSortedLinks links: UnsafeBufferPointer<UInt64>) {
        self.init()
        var position = 0
        while position < links.count {
            let owner = Self.owner(ofLink: links[position])
            let raw = Int(owner)
            let page = raw >> Self.pageShift
            guard raw >= 0, page < Self.pageLimit else {
                insert(OdooID(rawValue: Self.value(ofLink: links[position])), for: OdooID(rawValue: owner))
                position += 1
                continue
            }
            var end = position + 1
            while end < links.count, Int(Self.owner(ofLink: links[end])) >> Self.pageShift == page { end += 1 }
            if page >= pages.count { pages.append(contentsOf: repeatElement(LinkPage(), count: page - pages.count + 1)) }
            var ends = ContiguousArray<UInt32>()
            ends.reserveCapacity(Int(Self.owner(ofLink: links[end - 1])) - (page << Self.pageShift) + 1)
            var values = ContiguousArray<Int32>()
            values.reserveCapacity(end - position)
            for link in links[position..<end] {
                let slot = Int(Self.owner(ofLink: link)) - (page << Self.pageShift)
                while ends.count < slot { ends.append(UInt32(values.count)) }
                values.append(Self.value(ofLink: link))
            }
            ends.append(UInt32(values.count))
            pages[page] = LinkPage(bulkEnds: ends, values: values)
            count += values.count
            position = end
        }
    }
}

extension LinkPage {
    /// A page of the given runs (``LinkTable/init(bulkSortedLinks:)``).
    fileprivate init(bulkEnds ends: ContiguousArray<UInt32>, values: ContiguousArray<Int32>) {
        self.ends = ends
        self.values = values
    }
}
