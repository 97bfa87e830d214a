/// A copy-on-write table addressed by a dense integer key, stored in fixed-size chunks.
///
/// Copying the table copies only the array of chunk references; changing one element afterwards copies that
/// element's chunk (512 elements), not the whole table. The projection relies on this to publish an immutable
/// snapshot after every batch while the writer carries on from a cheap copy.
///
/// Chunks that were never written stay empty and cost one pointer each.
struct ChunkedTable<Element: Sendable>: Sendable {
    static var chunkShift: Int { 9 }
    static var chunkSize: Int { 1 << chunkShift }
    static var chunkMask: Int { chunkSize - 1 }

    private(set) var chunks: [ContiguousArray<Element>] = []
    let empty: Element

    init(empty: Element) { self.empty = empty }

    /// One past the largest key that may hold a non-empty element.
    var keyLimit: Int { chunks.count << Self.chunkShift }

    /// The element at `key`, or the empty element.
    ///
    /// - Complexity: O(1), no allocation.
    @inline(__always)
    subscript(key: Int) -> Element {
        let chunkIndex = key >> Self.chunkShift
        guard key >= 0, chunkIndex < chunks.count else { return empty }
        let chunk = chunks[chunkIndex]
        guard !chunk.isEmpty else { return empty }
        return chunk[key & Self.chunkMask]
    }

    /// Changes the element at `key` in place, allocating its chunk on first use.
    ///
    /// - Precondition: `key >= 0`.
    mutating func modify<R>(_ key: Int, _ body: (inout Element) throws -> R) rethrows -> R {
        precondition(key >= 0, "ChunkedTable keys are non-negative")
        let chunkIndex = key >> Self.chunkShift
        if chunkIndex >= chunks.count {
            chunks.append(contentsOf: repeatElement(ContiguousArray(), count: chunkIndex - chunks.count + 1))
        }
        if chunks[chunkIndex].isEmpty {
            chunks[chunkIndex] = ContiguousArray(repeating: empty, count: Self.chunkSize)
        }
        return try body(&chunks[chunkIndex][key & Self.chunkMask])
    }

    /// Calls `body` with each key from `start` upward whose chunk is allocated, until it returns `false`.
    func forEachKey(from start: Int, _ body: (Int, Element) -> Bool) {
        var key = max(0, start)
        while key < keyLimit {
            let chunkIndex = key >> Self.chunkShift
            let chunk = chunks[chunkIndex]
            if chunk.isEmpty {
                key = (chunkIndex + 1) << Self.chunkShift
                continue
            }
            let end = (chunkIndex + 1) << Self.chunkShift
            while key < end {
                if !body(key, chunk[key & Self.chunkMask]) { return }
                key += 1
            }
        }
    }

    /// Empties the table.
    mutating func removeAll() { chunks = [] }
}
