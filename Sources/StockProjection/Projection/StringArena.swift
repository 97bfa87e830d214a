/// Where a string lies in a ``StringArena``: a page and an offset packed in 31 bits, or ``none`` (the top bit stays
/// free for the owner's flags: ``VariantRecord`` keeps two there).
struct ArenaString: Hashable, Sendable {
    var raw: UInt32

    /// No string (a variant without SKU or barcode).
    static var none: ArenaString { ArenaString(raw: 0x7FFF_FFFF) }

    var isNone: Bool { raw == 0x7FFF_FFFF }
}

/// The bytes of the catalogue's strings (SKUs, barcodes) in pages of 16 KiB, each string once per record that holds
/// it, behind a length prefix: no allocation and no reference count per string.
///
/// A string of 4 to 64 ASCII digits (a barcode such as an EAN-13) is stored two digits to a byte, so an EAN-13
/// takes 8 bytes instead of 14; the prefix says which form a string has (its low bit), and reading a packed string
/// unpacks its digits into a buffer on the stack. Every other string is stored as its UTF-8 bytes.
///
/// The arena only grows: a string a record no longer uses stays in its page as garbage until the owner rebuilds the
/// arena (``CatalogueRecords`` does when garbage outweighs the strings in use). Copying the arena copies the page
/// directory; appending afterwards copies only the last page, so a snapshot keeps seeing the pages it was published
/// with. A string longer than a page gets a page of its own.
struct StringArena: Sendable {
    static var pageShift: Int { 14 }
    static var pageSize: Int { 1 << pageShift }
    /// Pages an ``ArenaString`` can address (2^17 pages of 16 KiB: 2 GiB; the last page number is left out, so
    /// no string's reference is ``ArenaString/none``).
    static var pageLimit: Int { 1 << (31 - pageShift) - 1 }
    /// The digit strings stored packed: at least this many digits...
    static var packedMinimum: Int { 4 }
    /// ...and at most this many (their unpacked form fits a small stack buffer).
    static var packedMaximum: Int { 64 }

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
        let packed = Self.packs(bytes)
        let header = length << 1 | (packed ? 1 : 0)
        let need = Self.prefixLength(header) + (packed ? (length + 1) >> 1 : length)
        var page = pages.count - 1
        if page < 0 || pages[page].count + need > Self.pageSize {
            if page >= 0 { sealLastPage() }
            var fresh = ContiguousArray<UInt8>()
            fresh.reserveCapacity(max(need, Self.pageSize))
            pages.append(fresh)
            page += 1
            precondition(page < Self.pageLimit, "StringArena is full (2 GiB of strings)")
        }
        let offset = pages[page].count
        Self.appendPrefix(header, to: &pages[page])
        if packed {
            var index = 0
            while index < length {
                let high = bytes[index] &- 0x30
                let low = index + 1 < length ? bytes[index + 1] &- 0x30 : 0
                pages[page].append(high << 4 | low)
                index += 2
            }
        } else {
            pages[page].append(contentsOf: bytes)
        }
        used += need
        return ArenaString(raw: UInt32(page << Self.pageShift | (need > Self.pageSize ? 0 : offset)))
    }

    /// Appends the UTF-8 bytes of `string`.
    mutating func append(_ string: String) -> ArenaString {
        var string = string
        return string.withUTF8 { append($0) }
    }

    /// Calls `body` with the bytes of `string` (empty for ``ArenaString/none``): in place, or for a packed digit
    /// string unpacked into a buffer on the stack.
    ///
    /// - Complexity: O(1) plus `body` (O(length) for a packed string); no allocation.
    @inline(__always)
    func withBytes<R>(_ string: ArenaString, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard !string.isNone else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        let page = Int(string.raw) >> Self.pageShift
        let offset = Int(string.raw) & (Self.pageSize - 1)
        return try pages[page].withUnsafeBufferPointer { buffer in
            let (header, start) = Self.readPrefix(buffer, at: offset)
            let length = header >> 1
            guard header & 1 != 0 else { return try body(UnsafeBufferPointer(rebasing: buffer[start..<start + length])) }
            return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.packedMaximum) { digits in
                for index in 0..<length {
                    let byte = buffer[start + (index >> 1)]
                    digits[index] = 0x30 | (index & 1 == 0 ? byte >> 4 : byte & 0x0F)
                }
                return try body(UnsafeBufferPointer(rebasing: digits[0..<length]))
            }
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
        let page = Int(string.raw) >> Self.pageShift
        let offset = Int(string.raw) & (Self.pageSize - 1)
        let (header, start) = pages[page].withUnsafeBufferPointer { Self.readPrefix($0, at: offset) }
        let length = header >> 1
        garbage += start - offset + (header & 1 != 0 ? (length + 1) >> 1 : length)
    }

    /// Empties the arena.
    mutating func removeAll() {
        pages = []
        garbage = 0
        used = 0
    }

    /// Whether `bytes` are stored packed: 4 to 64 ASCII digits.
    private static func packs(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= packedMinimum && bytes.count <= packedMaximum && bytes.allSatisfy { $0 &- 0x30 < 10 }
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

    /// The prefix at `offset` (the length shifted left by one, the low bit set for a packed string) and where the
    /// string's bytes start.
    @inline(__always)
    private static func readPrefix(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) -> (header: Int, start: Int) {
        var position = offset
        var header = 0
        var shift = 0
        while true {
            let byte = buffer[position]
            position += 1
            header |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return (header, position)
    }

    private static func prefixLength(_ header: Int) -> Int {
        var bytes = 1
        var rest = header >> 7
        while rest > 0 {
            bytes += 1
            rest >>= 7
        }
        return bytes
    }

    private static func appendPrefix(_ header: Int, to page: inout ContiguousArray<UInt8>) {
        var rest = header
        while rest >= 0x80 {
            page.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        page.append(UInt8(rest))
    }
}
