/// The (variant, location) pairs whose figures changed, in the order the changes were applied.
///
/// Each entry has a position; a client's cursor is the position of the next entry it has not seen, tagged with the
/// log's epoch (see ``ChangeCursor``). The log keeps the newest `capacity` entries in chunks, so appending to a
/// snapshot's copy copies one chunk at most. The store keeps the same entries, so a clean restart keeps every
/// cursor valid; a truncated quant table makes earlier cursors expire, and a new epoch (a resync, or a restart
/// after a crash, whose replay may number entries differently) makes every cursor of the old one expire.
struct ChangeLog: Sendable {
    struct Entry: Hashable, Sendable {
        var variantID: VariantID
        var locationID: LocationID
    }

    static var chunkSize: Int { 4096 }

    private(set) var chunks: [ContiguousArray<Entry>] = []
    /// Position of `chunks[0][0]`.
    private(set) var firstPosition: UInt64
    /// Position the next appended entry gets.
    private(set) var nextPosition: UInt64
    /// Cursors below this have expired (set by truncation and at start).
    private(set) var validFrom: UInt64
    let capacity: Int
    /// The epoch cursors of this log carry; 0 for a log that is never stored.
    private(set) var epoch: UInt16

    init(startingAt position: UInt64, capacity: Int, epoch: UInt16 = 0) {
        firstPosition = position
        nextPosition = position
        validFrom = position
        self.epoch = epoch
        self.capacity = max(Self.chunkSize, capacity)
    }

    /// Restores a stored log: its entries from `validFrom` on, in position order, and the next position.
    ///
    /// Entries that do not follow each other from `validFrom` (a store that does not hold them all) are dropped
    /// and every earlier cursor expires, rather than serving a list with holes.
    init(restoring entries: [StoredChange], validFrom: UInt64, nextPosition: UInt64, epoch: UInt16, capacity: Int) {
        self.init(startingAt: validFrom, capacity: capacity, epoch: epoch)
        for entry in entries {
            guard entry.position == self.nextPosition else {
                self = ChangeLog(startingAt: nextPosition, capacity: capacity, epoch: epoch)
                return
            }
            append(Entry(variantID: entry.variantID, locationID: entry.locationID))
        }
        if self.nextPosition != nextPosition { self = ChangeLog(startingAt: nextPosition, capacity: capacity, epoch: epoch) }
    }

    /// Starts a new epoch: every cursor handed out so far expires (positions go on from here).
    mutating func startNewEpoch() {
        epoch = ChangeCursor.epoch(after: epoch)
        reset()
    }

    /// The entries from `position` on (or from the oldest kept), with what the store needs to mirror the log.
    func slice(from position: UInt64) -> ChangeLogSlice {
        var entries: [StoredChange] = []
        var current = max(position, firstPosition)
        entries.reserveCapacity(Int(nextPosition - min(current, nextPosition)))
        while current < nextPosition {
            let entry = self.entry(at: current)
            entries.append(StoredChange(position: current, variantID: entry.variantID, locationID: entry.locationID))
            current += 1
        }
        return ChangeLogSlice(epoch: epoch, entries: entries, validFrom: validFrom, nextPosition: nextPosition)
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
