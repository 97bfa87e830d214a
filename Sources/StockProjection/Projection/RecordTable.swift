/// A plain-data record a ``RecordTable`` holds: a fixed-size value with a marker for a free slot.
protocol TableRecord: Sendable {
    /// The value of a free slot.
    static var absent: Self { get }
    /// Whether the slot holds a record.
    var isPresent: Bool { get }
}

/// Catalogue records (variants, templates) as plain data addressed by their Odoo id, in pages of 512 ids.
///
/// Odoo ids are serials, so records crowd into ranges: a page is an array of 512 records, allocated when its first
/// record arrives and freed when its last one leaves. Ids beyond the directory's reach (2^26 and up) and negative ids
/// go to a dictionary. Copying the table copies the page directory; a change afterwards copies the one page it
/// touches (as ``OwnerTable`` and ``FlatListTable`` do), never retaining or releasing a record.
struct RecordTable<Record: TableRecord>: Sendable {
    static var pageShift: Int { 9 }
    static var pageSize: Int { 1 << pageShift }
    /// Pages the directory may address (ids below 2^26).
    static var pageLimit: Int { 1 << 17 }

    private var pages: ContiguousArray<ContiguousArray<Record>> = []
    /// Records held per page.
    private var held: ContiguousArray<UInt16> = []
    private var overflow: [Int32: Record] = [:]

    /// The records held.
    private(set) var count = 0

    init() { precondition(_isPOD(Record.self), "RecordTable holds plain data only") }

    /// The record with this id, or `nil`.
    ///
    /// - Complexity: O(1); no allocation.
    @inline(__always)
    subscript(id: Int32) -> Record? {
        let raw = Int(id)
        let page = raw >> Self.pageShift
        guard raw >= 0, page < Self.pageLimit else { return overflow[id] }
        guard page < pages.count, !pages[page].isEmpty else { return nil }
        let record = pages[page][raw & (Self.pageSize - 1)]
        return record.isPresent ? record : nil
    }

    /// Stores `record` under `id`, returning the record it replaces.
    @discardableResult
    mutating func set(_ record: Record, for id: Int32) -> Record? {
        precondition(record.isPresent, "RecordTable stores present records")
        let raw = Int(id)
        let page = raw >> Self.pageShift
        guard raw >= 0, page < Self.pageLimit else {
            let previous = overflow.updateValue(record, forKey: id)
            if previous == nil { count += 1 }
            return previous
        }
        if page >= pages.count {
            pages.append(contentsOf: repeatElement([], count: page - pages.count + 1))
            held.append(contentsOf: repeatElement(0, count: page - held.count + 1))
        }
        if pages[page].isEmpty { pages[page] = ContiguousArray(repeating: .absent, count: Self.pageSize) }
        let slot = raw & (Self.pageSize - 1)
        let previous = pages[page][slot]
        pages[page][slot] = record
        guard previous.isPresent else {
            held[page] += 1
            count += 1
            return nil
        }
        return previous
    }

    /// Forgets `id`, returning the record it held, or `nil` when it held none.
    @discardableResult
    mutating func remove(_ id: Int32) -> Record? {
        let raw = Int(id)
        let page = raw >> Self.pageShift
        guard raw >= 0, page < Self.pageLimit else {
            let removed = overflow.removeValue(forKey: id)
            if removed != nil { count -= 1 }
            return removed
        }
        guard let previous = self[id] else { return nil }
        count -= 1
        held[page] -= 1
        if held[page] == 0 {
            pages[page] = []
        } else {
            pages[page][raw & (Self.pageSize - 1)] = .absent
        }
        return previous
    }

    /// Rewrites every record (copying every page a snapshot shares), for a rebuild of what records refer to.
    mutating func updateAll(_ body: (inout Record) -> Void) {
        for page in pages.indices where !pages[page].isEmpty {
            pages[page].withUnsafeMutableBufferPointer { records in
                for slot in records.indices where records[slot].isPresent { body(&records[slot]) }
            }
        }
        for id in Array(overflow.keys) { body(&overflow[id]!) }
    }

    /// Bytes the pages and the directory hold, for the footprint figures.
    var pageBytes: Int {
        pages.reduce(pages.capacity * 8 + held.capacity * 2) { $0 + $1.capacity * MemoryLayout<Record>.stride }
    }

    /// Empties the table.
    mutating func removeAll() {
        pages = []
        held = []
        overflow = [:]
        count = 0
    }
}
