/// Where a string lies in a ``StringArena``: a page and an offset packed in 32 bits, or ``none``.
struct ArenaString: Hashable, Sendable {
    var raw: UInt32

    /// No string (a variant without SKU or barcode).
    static var none: ArenaString { ArenaString(raw: .max) }

    var isNone: Bool { raw == .max }
}

/// The bytes of the catalogue's strings (SKUs, barcodes) in pages of 16 KiB, each string once per record that holds
/// it, behind a length prefix: no allocation and no reference count per string.
///
/// The arena only grows: a string a record no longer uses stays in its page as garbage until the owner rebuilds the
/// arena (``CatalogueRecords`` does when garbage outweighs the strings in use). Copying the arena copies the page
/// directory; appending afterwards copies only the last page, so a snapshot keeps seeing the pages it was published
/// with. A string longer than a page gets a page of its own.
struct StringArena: Sendable {
    static var pageShift: Int { 14 }
    static var pageSize: Int { 1 << pageShift }
    /// Pages an ``ArenaString`` can address (2^18 pages of 16 KiB: 4 GiB).
    static var pageLimit: Int { 1 << (32 - pageShift) - 1 }

    private var pages: ContiguousArray<ContiguousArray<UInt8>> = []
    /// Bytes (prefixes included) of strings no record refers to any more.
    private(set) var garbage = 0
    /// Bytes (prefixes included) of every string appended, garbage included.
    private(set) var used = 0

    /// Bytes the pages reserve, for the footprint figures.
    var pageBytes: Int { pages.reduce(0) { $0 + $1.capacity } }

    /// Appends `bytes` and returns where they lie.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) -> ArenaString {
        let length = bytes.count
        let need = Self.prefixLength(length) + length
        var page = pages.count - 1
        if page < 0 || pages[page].count + need > Self.pageSize {
            if page >= 0 { sealLastPage() }
            var fresh = ContiguousArray<UInt8>()
            fresh.reserveCapacity(max(need, Self.pageSize))
            pages.append(fresh)
            page += 1
            precondition(page < Self.pageLimit, "StringArena is full (4 GiB of strings)")
        }
        let offset = pages[page].count
        Self.appendPrefix(length, to: &pages[page])
        pages[page].append(contentsOf: bytes)
        used += need
        return ArenaString(raw: UInt32(page << Self.pageShift | (need > Self.pageSize ? 0 : offset)))
    }

    /// Appends the UTF-8 bytes of `string`.
    mutating func append(_ string: String) -> ArenaString {
        var string = string
        return string.withUTF8 { append($0) }
    }

    /// Calls `body` with the bytes of `string` (empty for ``ArenaString/none``), without copying them.
    ///
    /// - Complexity: O(1) plus `body`; no allocation.
    @inline(__always)
    func withBytes<R>(_ string: ArenaString, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard !string.isNone else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        let page = Int(string.raw) >> Self.pageShift
        let offset = Int(string.raw) & (Self.pageSize - 1)
        return try pages[page].withUnsafeBufferPointer { buffer in
            var position = offset
            var length = 0
            var shift = 0
            while true {
                let byte = buffer[position]
                position += 1
                length |= Int(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            return try body(UnsafeBufferPointer(rebasing: buffer[position..<position + length]))
        }
    }

    /// The string, or `nil` for ``ArenaString/none``. Allocates only for strings longer than 15 bytes (shorter
    /// ones fit in a `String` itself).
    func string(_ string: ArenaString) -> String? {
        guard !string.isNone else { return nil }
        return withBytes(string) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `string` holds exactly `bytes`.
    @inline(__always)
    func equals(_ string: ArenaString, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        withBytes(string) { stored in stored.count == bytes.count && stored.elementsEqual(bytes) }
    }

    /// Notes that no record refers to `string` any more.
    mutating func release(_ string: ArenaString) {
        guard !string.isNone else { return }
        let length = withBytes(string) { $0.count }
        garbage += Self.prefixLength(length) + length
    }

    /// Empties the arena.
    mutating func removeAll() {
        pages = []
        garbage = 0
        used = 0
    }

    /// Frees the spare capacity of the last page once it is full (a copy on write may have doubled it).
    private mutating func sealLastPage() {
        let last = pages.count - 1
        guard pages[last].capacity > max(pages[last].count, Self.pageSize) else { return }
        let full = pages[last]
        pages[last] = ContiguousArray(unsafeUninitializedCapacity: full.count) { buffer, count in
            count = full.withUnsafeBufferPointer { source in buffer.initialize(fromContentsOf: source) }
        }
    }

    private static func prefixLength(_ length: Int) -> Int {
        var bytes = 1
        var rest = length >> 7
        while rest > 0 {
            bytes += 1
            rest >>= 7
        }
        return bytes
    }

    private static func appendPrefix(_ length: Int, to page: inout ContiguousArray<UInt8>) {
        var rest = length
        while rest >= 0x80 {
            page.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        page.append(UInt8(rest))
    }
}
