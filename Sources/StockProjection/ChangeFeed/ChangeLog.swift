/// The (variant, location) pairs whose figures changed, in the order the changes were applied.
///
/// Each entry has a position; a client's cursor is the position of the next entry it has not seen. The log
/// keeps the newest `capacity` entries in chunks, so appending to a snapshot's copy copies one chunk at most.
/// A truncated quant table or a restart makes every earlier cursor expire: the client must pull everything again.
struct ChangeLog: Sendable {
    struct Entry: Hashable, Sendable {
        var variantID: VariantID
        var locationID: LocationID
    }

    static var chunkSize: Int { 4096 }

    private var chunks: [ContiguousArray<Entry>] = []
    /// Position of `chunks[0][0]`.
    private(set) var firstPosition: UInt64
    /// Position the next appended entry gets.
    private(set) var nextPosition: UInt64
    /// Cursors below this have expired (set by truncation and at start).
    private(set) var validFrom: UInt64
    let capacity: Int

    init(startingAt position: UInt64, capacity: Int) {
        firstPosition = position
        nextPosition = position
        validFrom = position
        self.capacity = max(Self.chunkSize, capacity)
    }

    mutating func append(_ entry: Entry) {
        if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkSize {
            var chunk = ContiguousArray<Entry>()
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(entry)
        nextPosition += 1
        while chunks.count > 1 && Int(nextPosition - firstPosition) - chunks[0].count >= capacity {
            firstPosition += UInt64(chunks[0].count)
            chunks.removeFirst()
        }
        validFrom = max(validFrom, firstPosition)
    }

    /// Forgets every entry; cursors before now expire.
    mutating func reset() {
        chunks = []
        nextPosition += 1  // the reset itself takes a position, so a cursor taken just before it expires
        firstPosition = nextPosition
        validFrom = nextPosition
    }

    func entry(at position: UInt64) -> Entry {
        let offset = Int(position - firstPosition)
        return chunks[offset / Self.chunkSize][offset % Self.chunkSize]
    }
}
