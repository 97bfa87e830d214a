/// A copy-on-write table of short per-key lists of plain-data entries, addressed by a dense integer key.
///
/// Keys are grouped in chunks of 512. A chunk keeps every entry of its keys in one contiguous pool, and each key's
/// list as a span (offset, count) into that pool: no allocation per key, and no reference inside the entries. A
/// span takes 4 bytes (8 in a chunk whose pool outgrows 16-bit offsets, see ``FlatListChunk``), so a key costs
/// 4 bytes whether it holds entries or not.
/// Copying the table copies the array of chunk references; changing a key afterwards copies that key's chunk with
/// two `memcpy`s (or one compacting pass), never retaining or releasing an entry. The projection relies on this to
/// publish an immutable snapshot after every batch while the writer carries on from a cheap copy.
///
/// A list that grows moves to the end of its chunk's pool; the space it leaves is reclaimed when the chunk is
/// compacted, which happens when the pool is full, on a copy when more than a fifth of it is unused, and after a
/// removal when less than two thirds is in use. A chunk whose keys are all empty is freed.
///
/// - Precondition: `Element` is plain data (no references), as ``StockEntry`` and ``MoveEntry`` are.
struct FlatListTable<Element: Sendable>: Sendable {
    static var chunkShift: Int { 9 }
    static var chunkSize: Int { 1 << chunkShift }
    static var chunkMask: Int { chunkSize - 1 }

    private(set) var chunks: ContiguousArray<FlatListChunk<Element>?> = []

    init() { precondition(_isPOD(Element.self), "FlatListTable holds plain data only") }

    /// One past the largest key that may hold a non-empty list.
    var keyLimit: Int { chunks.count << Self.chunkShift }

    /// The entries of `key` (empty for a key never written), as a collection that shares the table's storage.
    ///
    /// - Complexity: O(1); one retain of the chunk, no allocation.
    subscript(key: Int) -> FlatList<Element> {
        let chunkIndex = key >> Self.chunkShift
        guard key >= 0, chunkIndex < chunks.count, let chunk = chunks[chunkIndex] else { return FlatList() }
        let span = chunk.span(of: key & Self.chunkMask)
        return FlatList(chunk: chunk, offset: span.offset, count: span.count)
    }

    /// Calls `body` with the entries of `key`, without retaining anything.
    ///
    /// - Complexity: O(1) plus `body`; no allocation.
    @inline(__always)
    func withEntries<R>(_ key: Int, _ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        let chunkIndex = key >> Self.chunkShift
        guard key >= 0, chunkIndex < chunks.count, let chunk = chunks[chunkIndex] else {
            return try body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return try withExtendedLifetime(chunk) { try body(chunk.entries(of: key & Self.chunkMask)) }
    }

    /// The position in `key`'s list of the first entry that satisfies `predicate`, or `nil`.
    func firstIndex(in key: Int, where predicate: (Element) throws -> Bool) rethrows -> Int? {
        try withEntries(key) { try $0.firstIndex(where: predicate) }
    }

    /// Replaces the entry at `index` of `key`'s list, returning the entry it held.
    @discardableResult
    mutating func replace(in key: Int, at index: Int, with element: Element) -> Element {
        let chunk = uniqueChunk(key)
        let entries = chunk.mutableEntries(of: key & Self.chunkMask)
        let previous = entries[index]
        entries[index] = element
        return previous
    }

    /// Appends `element` to `key`'s list.
    ///
    /// - Precondition: `key >= 0`.
    mutating func append(_ element: Element, to key: Int) {
        precondition(key >= 0, "FlatListTable keys are non-negative")
        uniqueChunk(key).append(element, to: key & Self.chunkMask)
    }

    /// Removes the entry at `index` of `key`'s list by moving the list's last entry into its place, and returns it.
    @discardableResult
    mutating func remove(from key: Int, at index: Int) -> Element {
        let chunkIndex = key >> Self.chunkShift
        let chunk = uniqueChunk(key)
        let removed = chunk.remove(from: key & Self.chunkMask, at: index)
        if chunk.live == 0 { chunks[chunkIndex] = nil }
        return removed
    }

    /// Calls `body` with each key from `start` upward whose chunk is allocated, and its entries, until it returns
    /// `false`.
    func forEachKey(from start: Int, _ body: (Int, UnsafeBufferPointer<Element>) -> Bool) {
        var key = max(0, start)
        while key < keyLimit {
            let chunkIndex = key >> Self.chunkShift
            guard let chunk = chunks[chunkIndex] else {
                key = (chunkIndex + 1) << Self.chunkShift
                continue
            }
            let end = (chunkIndex + 1) << Self.chunkShift
            let keepGoing = withExtendedLifetime(chunk) { () -> Bool in
                while key < end {
                    if !body(key, chunk.entries(of: key & Self.chunkMask)) { return false }
                    key += 1
                }
                return true
            }
            if !keepGoing { return }
        }
    }

    /// The entries held, and the entry slots the pools reserve (held, spare and left behind by moved lists).
    var storage: (entries: Int, slots: Int) {
        chunks.reduce(into: (0, 0)) { sums, chunk in
            sums.0 += chunk?.live ?? 0
            sums.1 += chunk?.capacity ?? 0
        }
    }

    /// Empties the table.
    mutating func removeAll() { chunks = [] }

    /// The chunk of `key`, allocated on first use and copied first when a snapshot shares it.
    private mutating func uniqueChunk(_ key: Int) -> FlatListChunk<Element> {
        let chunkIndex = key >> Self.chunkShift
        if chunkIndex >= chunks.count {
            chunks.append(contentsOf: repeatElement(nil, count: chunkIndex - chunks.count + 1))
        }
        if chunks[chunkIndex] == nil {
            chunks[chunkIndex] = FlatListChunk(keys: Self.chunkSize, capacity: 8)
        } else if !isKnownUniquelyReferenced(&chunks[chunkIndex]) {
            chunks[chunkIndex] = chunks[chunkIndex]!.copy()
        }
        return chunks[chunkIndex]!
    }
}

/// The entries of one key of a ``FlatListTable``, sharing the table's storage: a snapshot's view that stays valid
/// while the writer changes its own copy.
public struct FlatList<Element: Sendable>: RandomAccessCollection, Sendable {
    private let chunk: FlatListChunk<Element>?
    private let offset: Int
    public let count: Int

    init() {
        chunk = nil
        offset = 0
        count = 0
    }

    init(chunk: FlatListChunk<Element>, offset: Int, count: Int) {
        self.chunk = chunk
        self.offset = offset
        self.count = count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "FlatList index out of range")
        return chunk!.pool[offset + position]
    }
}

/// One chunk of a ``FlatListTable``: the spans of its keys and the pool of their entries.
///
/// A span (where a key's list lies in the pool) takes 4 bytes while the pool holds at most 65,535 entry slots
/// (16-bit offset and count: the narrow form) and 8 bytes in a chunk whose pool is larger (32-bit offset and
/// count: the wide form). A chunk picks its form whenever it allocates its storage (created, reorganized or
/// copied), from the capacity of the new pool, so lists of any length work and common chunks pay 2 KiB of spans.
///
/// Safe to share between threads (hence `@unchecked Sendable`): the table changes a chunk only while it holds the
/// sole reference to it (`isKnownUniquelyReferenced`, else it changes a copy), so a chunk that a snapshot or a
/// ``FlatList`` can see is never written again.
final class FlatListChunk<Element>: @unchecked Sendable {
    /// The largest pool (in entry slots) whose spans fit the narrow form.
    static var narrowCapacityLimit: Int { Int(UInt16.max) }

    let keys: Int
    /// The spans, then the pool, in one allocation.
    private var storage: UnsafeMutableRawPointer
    private(set) var pool: UnsafeMutablePointer<Element>
    /// Whether the spans are 8-byte (32-bit offset and count) rather than 4-byte: the pool has more than
    /// ``narrowCapacityLimit`` slots.
    private(set) var isWide: Bool
    /// Entry slots in the pool.
    private(set) var capacity: Int
    /// Slots in use from the start of the pool: lists, and the gaps lists left behind when they moved or shrank.
    private(set) var end = 0
    /// Entries held.
    private(set) var live = 0

    init(keys: Int, capacity: Int) {
        self.keys = keys
        self.capacity = capacity
        (storage, pool, isWide) = Self.allocate(keys: keys, capacity: capacity)
    }

    deinit { storage.deallocate() }  // plain data: nothing to deinitialize

    /// One allocation for `keys` spans, all empty, followed by a pool of `capacity` entries, and the span form the
    /// capacity calls for.
    private static func allocate(
        keys: Int, capacity: Int
    ) -> (UnsafeMutableRawPointer, UnsafeMutablePointer<Element>, Bool) {
        let isWide = capacity > narrowCapacityLimit
        let spanBytes = keys * (isWide ? MemoryLayout<UInt64>.stride : MemoryLayout<UInt32>.stride)
        let alignment = max(MemoryLayout<UInt64>.alignment, MemoryLayout<Element>.alignment)
        let poolStart = (spanBytes + alignment - 1) / alignment * alignment
        let storage = UnsafeMutableRawPointer.allocate(
            byteCount: poolStart + capacity * MemoryLayout<Element>.stride, alignment: alignment)
        if isWide {
            storage.initializeMemory(as: UInt64.self, repeating: 0, count: keys)
        } else {
            storage.initializeMemory(as: UInt32.self, repeating: 0, count: keys)
        }
        let pool = (storage + poolStart).bindMemory(to: Element.self, capacity: capacity)
        return (storage, pool, isWide)
    }

    /// The span of `slot` in spans at `base` of the given form.
    @inline(__always)
    private static func span(at base: UnsafeRawPointer, wide: Bool, _ slot: Int) -> (offset: Int, count: Int) {
        if wide {
            let packed = base.load(fromByteOffset: slot &* 8, as: UInt64.self)
            return (Int(truncatingIfNeeded: packed & 0xFFFF_FFFF), Int(truncatingIfNeeded: packed &>> 32))
        }
        let packed = base.load(fromByteOffset: slot &* 4, as: UInt32.self)
        return (Int(truncatingIfNeeded: packed & 0xFFFF), Int(truncatingIfNeeded: packed &>> 16))
    }

    /// Where `slot`'s list lies in the pool.
    @inline(__always)
    func span(of slot: Int) -> (offset: Int, count: Int) { Self.span(at: storage, wide: isWide, slot) }

    /// Sets `slot`'s span; an empty list is stored at offset 0.
    @inline(__always)
    private func setSpan(of slot: Int, offset: Int, count: Int) {
        let offset = count == 0 ? 0 : offset
        if isWide {
            let packed = UInt64(truncatingIfNeeded: offset) | UInt64(truncatingIfNeeded: count) &<< 32
            storage.storeBytes(of: packed, toByteOffset: slot &* 8, as: UInt64.self)
        } else {
            assert(offset <= 0xFFFF && count <= 0xFFFF, "a narrow span holds 16-bit offsets and counts")
            let packed = UInt32(truncatingIfNeeded: offset) | UInt32(truncatingIfNeeded: count) &<< 16
            storage.storeBytes(of: packed, toByteOffset: slot &* 4, as: UInt32.self)
        }
    }

    @inline(__always)
    func entries(of slot: Int) -> UnsafeBufferPointer<Element> {
        let span = span(of: slot)
        return UnsafeBufferPointer(start: pool + span.offset, count: span.count)
    }

    @inline(__always)
    func mutableEntries(of slot: Int) -> UnsafeMutableBufferPointer<Element> {
        let span = span(of: slot)
        return UnsafeMutableBufferPointer(start: pool + span.offset, count: span.count)
    }

    /// A copy to change, compacted when more than a fifth of the pool is not entries, with some room to grow.
    func copy() -> FlatListChunk {
        if end - live > end / 5 {
            let copy = FlatListChunk(keys: keys, capacity: Self.roomy(live))
            copy.compact(from: self)
            return copy
        }
        let copy = FlatListChunk(keys: keys, capacity: end + live / 8 + 8)
        if copy.isWide == isWide {
            copy.storage.copyMemory(from: storage, byteCount: keys * (isWide ? 8 : 4))
        } else {
            for slot in 0..<keys {
                let span = span(of: slot)
                copy.setSpan(of: slot, offset: span.offset, count: span.count)
            }
        }
        copy.pool.initialize(from: pool, count: end)
        copy.end = end
        copy.live = live
        return copy
    }

    func append(_ element: Element, to slot: Int) {
        var (offset, count) = span(of: slot)
        if count > 0, offset + count == end, end < capacity {
            // The list is the pool's last: it grows in place.
        } else {
            if end + count + 1 > capacity { reorganize(reserving: count + 1) }
            let moved = span(of: slot).offset
            (pool + end).initialize(from: pool + moved, count: count)
            offset = end
            end += count
        }
        (pool + end).initialize(to: element)
        end += 1
        live += 1
        setSpan(of: slot, offset: offset, count: count + 1)
    }

    func remove(from slot: Int, at index: Int) -> Element {
        let (offset, count) = span(of: slot)
        let entries = mutableEntries(of: slot)
        let removed = entries[index]
        entries[index] = entries[count - 1]
        if offset + count == end { end -= 1 }
        setSpan(of: slot, offset: offset, count: count - 1)
        live -= 1
        if live > 0, end - live > live / 2 + 16 || capacity > Self.roomy(live) * 2 { reorganize(reserving: 0) }
        return removed
    }

    /// Compacts the pool into a new allocation with room for `extra` more entries and some spare.
    private func reorganize(reserving extra: Int) {
        let (oldStorage, oldPool, oldIsWide) = (storage, pool, isWide)
        capacity = Self.roomy(live + extra)
        (storage, pool, isWide) = Self.allocate(keys: keys, capacity: capacity)
        var offset = 0
        for slot in 0..<keys {
            let span = Self.span(at: oldStorage, wide: oldIsWide, slot)
            (pool + offset).initialize(from: oldPool + span.offset, count: span.count)
            setSpan(of: slot, offset: offset, count: span.count)
            offset += span.count
        }
        end = offset
        oldStorage.deallocate()
    }

    /// Fills this (empty) chunk with `source`'s lists, in key order and without gaps.
    private func compact(from source: FlatListChunk) {
        var offset = 0
        for slot in 0..<keys {
            let span = source.span(of: slot)
            (pool + offset).initialize(from: source.pool + span.offset, count: span.count)
            setSpan(of: slot, offset: offset, count: span.count)
            offset += span.count
        }
        end = offset
        live = offset
    }

    /// A pool size for `entries` entries: an eighth more, plus eight.
    private static func roomy(_ entries: Int) -> Int { entries + entries / 8 + 8 }
}

// MARK: Bulk building (a reload from storage)

extension FlatListTable {
    /// The table that appending each of `elements` to the list of the key at the same position of `keys`, in order,
    /// builds (the lists hold their entries in that order), made in one counting pass and one filling pass: each
    /// chunk is allocated once, at its final size, and no list moves.
    ///
    /// - Precondition: `keys` and `elements` have the same count, and every key is non-negative.
    init(bulkKeys keys: UnsafeBufferPointer<Int32>, elements: UnsafeBufferPointer<Element>) {
        self.init()
        precondition(keys.count == elements.count, "FlatListTable bulk keys and elements pair up")
        guard let largest = keys.max() else { return }
        precondition(keys.allSatisfy { $0 >= 0 }, "FlatListTable keys are non-negative")
        let chunkCount = Int(largest) >> Self.chunkShift + 1
        // Entries per key, then (per chunk, as a running sum) the pool offset the key's next entry goes to.
        var next = [Int32](repeating: 0, count: chunkCount << Self.chunkShift)
        next.withUnsafeMutableBufferPointer { next in
            for key in keys { next[Int(key)] &+= 1 }
            var built = ContiguousArray<FlatListChunk<Element>?>(repeating: nil, count: chunkCount)
            for chunkIndex in 0..<chunkCount {
                let first = chunkIndex << Self.chunkShift
                var live = 0
                for key in first..<first + Self.chunkSize { live += Int(next[key]) }
                guard live > 0 else { continue }
                let chunk = FlatListChunk<Element>(
                    keys: Self.chunkSize, bulkCounts: UnsafeBufferPointer(rebasing: next[first..<first + Self.chunkSize]))
                var offset: Int32 = 0
                for key in first..<first + Self.chunkSize {
                    let count = next[key]
                    next[key] = offset
                    offset &+= count
                }
                built[chunkIndex] = chunk
            }
            built.withUnsafeBufferPointer { built in
                for (position, key) in keys.enumerated() {
                    let index = Int(key)
                    let chunk = built[index >> Self.chunkShift].unsafelyUnwrapped
                    (chunk.pool + Int(next[index])).initialize(to: elements[position])
                    next[index] &+= 1
                }
            }
            chunks = built
        }
    }
}

extension FlatListChunk {
    /// A chunk whose lists will hold `counts[slot]` entries each, laid out in slot order from the pool's start
    /// (spans set, entries not yet written: the caller writes exactly that many at those places). The pool has the
    /// spare room a reorganized pool has.
    convenience init(keys: Int, bulkCounts counts: UnsafeBufferPointer<Int32>) {
        precondition(counts.count == keys, "one count per key")
        let live = counts.reduce(0) { $0 + Int($1) }
        self.init(keys: keys, capacity: live + live / 8 + 8)
        var offset = 0
        for slot in 0..<keys {
            setSpan(of: slot, offset: offset, count: Int(counts[slot]))
            offset += Int(counts[slot])
        }
        end = live
        self.live = live
    }
}
