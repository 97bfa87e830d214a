/// A multimap from a 32-bit key hash to variant ids (SKU, barcode or template to the variants that have it), as
/// shards of open-addressing tables of plain data.
///
/// A slot is 8 bytes, the key's hash and a variant id; the index keeps no key, so a look-up checks each variant
/// whose hash matches against the variant's record (``CatalogueRecords`` does). Entries with the same key share a
/// hash and so a probe run: a look-up returns them all.
///
/// The top `shardBits` bits of a hash choose the shard, the low bits the home slot in it (linear probing, at most
/// three quarters full, deletion by backward shift, so there are no tombstones). A shard doubles on its own up to
/// ``maxShardSlots`` (32 KiB); past that every shard splits in two by the next hash bit, provided the shards hold
/// a quarter of that on average (else the one crowded shard, which a key shared by many variants makes, grows). Copying the index copies
/// the shard directory; a change afterwards copies the one shard it touches, never retaining an entry.
struct VariantHashIndex: Sendable {
    /// A free slot (hash 0, variant `Int32.min`, which no Odoo id is).
    static var empty: UInt64 { 0x8000_0000 }
    static var minShardSlots: Int { 16 }
    static var maxShardSlots: Int { 4_096 }

    private var shards: ContiguousArray<ContiguousArray<UInt64>> = [
        ContiguousArray(repeating: VariantHashIndex.empty, count: VariantHashIndex.minShardSlots)
    ]
    /// Entries per shard.
    private var held: ContiguousArray<Int32> = [0]
    private var shardBits = 0

    /// The entries held.
    private(set) var count = 0

    @inline(__always)
    private static func pack(_ hash: UInt32, _ variant: Int32) -> UInt64 { UInt64(hash) << 32 | UInt64(UInt32(bitPattern: variant)) }

    @inline(__always)
    private func shard(of hash: UInt32) -> Int { shardBits == 0 ? 0 : Int(hash >> UInt32(32 - shardBits)) }

    /// Calls `body` with each variant whose key has this hash (the caller compares the keys), in no order.
    ///
    /// - Complexity: O(1) expected; no allocation.
    @inline(__always)
    func forEach(hash: UInt32, _ body: (Int32) -> Void) {
        let slots = shards[shard(of: hash)]
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = Int(hash) & mask
            while true {
                let slot = slots[index]
                if slot == Self.empty { return }
                if UInt32(truncatingIfNeeded: slot >> 32) == hash { body(Int32(bitPattern: UInt32(truncatingIfNeeded: slot))) }
                index = (index + 1) & mask
            }
        }
    }

    /// Adds an entry for `variant` under `hash`.
    mutating func insert(hash: UInt32, variant: Int32) {
        precondition(variant != Int32.min, "VariantHashIndex entries are variant ids")
        var shard = self.shard(of: hash)
        if (Int(held[shard]) + 1) * 4 > shards[shard].count * 3 {
            // Splitting helps only when the shards are full on average, not when one key holds many variants
            // (a template of thousands of variants): such a shard grows past the limit instead.
            if shards[shard].count * 2 > Self.maxShardSlots, count >= (Self.maxShardSlots / 4) << shardBits {
                split()
                shard = self.shard(of: hash)
            } else {
                shards[shard] = Self.rehashed(shards[shard], slots: shards[shard].count * 2)
            }
        }
        Self.place(Self.pack(hash, variant), in: &shards[shard])
        held[shard] += 1
        count += 1
    }

    /// Removes the entry for `variant` under `hash`; returns whether there was one.
    @discardableResult
    mutating func remove(hash: UInt32, variant: Int32) -> Bool {
        let shard = self.shard(of: hash)
        let entry = Self.pack(hash, variant)
        let removed = Self.remove(entry, from: &shards[shard])
        if removed {
            held[shard] -= 1
            count -= 1
        }
        return removed
    }

    /// Bytes the shards and the directory hold, for the footprint figures.
    var slotBytes: Int { shards.reduce(shards.capacity * 8 + held.capacity * 4) { $0 + $1.capacity * 8 } }

    /// Empties the index.
    mutating func removeAll() { self = VariantHashIndex() }

    /// Writes `entry` at the first free slot of its probe run.
    private static func place(_ entry: UInt64, in slots: inout ContiguousArray<UInt64>) {
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var index = Int(UInt32(truncatingIfNeeded: entry >> 32)) & mask
            while slots[index] != empty { index = (index + 1) & mask }
            slots[index] = entry
        }
    }

    /// Removes `entry`, shifting back the entries after it in its run that may move closer to their home slot.
    private static func remove(_ entry: UInt64, from slots: inout ContiguousArray<UInt64>) -> Bool {
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var hole = Int(UInt32(truncatingIfNeeded: entry >> 32)) & mask
            while slots[hole] != entry {
                if slots[hole] == empty { return false }
                hole = (hole + 1) & mask
            }
            var next = hole
            while true {
                next = (next + 1) & mask
                let slot = slots[next]
                if slot == empty { break }
                let home = Int(UInt32(truncatingIfNeeded: slot >> 32)) & mask
                // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
                let staysPut = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
                if !staysPut {
                    slots[hole] = slot
                    hole = next
                }
            }
            slots[hole] = empty
            return true
        }
    }

    /// The entries of `slots` in a new table of `count` slots.
    private static func rehashed(_ slots: ContiguousArray<UInt64>, slots count: Int) -> ContiguousArray<UInt64> {
        var grown = ContiguousArray(repeating: empty, count: count)
        for slot in slots where slot != empty { place(slot, in: &grown) }
        return grown
    }

    /// Doubles the shards: each entry moves to the shard its hash's next bit chooses.
    private mutating func split() {
        let old = shards
        shardBits += 1
        precondition(shardBits <= 16, "VariantHashIndex holds at most 2^16 shards")
        var slotsPerShard = Self.minShardSlots
        while slotsPerShard * 3 < (count >> shardBits) * 4 + 4 { slotsPerShard *= 2 }
        shards = ContiguousArray(repeating: ContiguousArray(repeating: Self.empty, count: slotsPerShard), count: 1 << shardBits)
        held = ContiguousArray(repeating: 0, count: 1 << shardBits)
        for slots in old {
            for slot in slots where slot != Self.empty {
                let shard = self.shard(of: UInt32(truncatingIfNeeded: slot >> 32))
                if (Int(held[shard]) + 1) * 4 > shards[shard].count * 3 {
                    shards[shard] = Self.rehashed(shards[shard], slots: shards[shard].count * 2)
                }
                Self.place(slot, in: &shards[shard])
                held[shard] += 1
            }
        }
    }
}

// MARK: Bulk building (a reload from storage)

extension VariantHashIndex {
    /// The entry for `variant` under `hash`, as ``init(bulkEntries:)`` takes it.
    @inline(__always)
    static func bulkEntry(hash: UInt32, variant: Int32) -> UInt64 { pack(hash, variant) }

    /// An index holding `entries` (from ``bulkEntry(hash:variant:)``), built once at its final size: the shards
    /// chosen so that each holds at most 2,048 entries on average (as growth by splitting leaves them, between
    /// about 1,500 and 3,000), each shard sized for what it holds (at most three quarters full), filled shard by
    /// shard so the writes stay in cache. Look-ups answer as after inserting the entries one by one.
    init(bulkEntries entries: UnsafeBufferPointer<UInt64>) {
        self.init()
        guard !entries.isEmpty else { return }
        var bits = 0
        while entries.count >> bits > Self.maxShardSlots / 2, bits < 16 { bits += 1 }
        shardBits = bits
        let shardCount = 1 << bits
        var perShard = ContiguousArray<Int32>(repeating: 0, count: shardCount)
        for entry in entries { perShard[shard(of: UInt32(truncatingIfNeeded: entry >> 32))] += 1 }
        // Group the entries by shard (a counting sort), then place each shard's entries into its table.
        var starts = ContiguousArray<Int>(repeating: 0, count: shardCount + 1)
        for shard in 0..<shardCount { starts[shard + 1] = starts[shard] + Int(perShard[shard]) }
        var grouped = ContiguousArray<UInt64>(repeating: 0, count: entries.count)
        var next = starts
        for entry in entries {
            let shard = shard(of: UInt32(truncatingIfNeeded: entry >> 32))
            grouped[next[shard]] = entry
            next[shard] += 1
        }
        var built = ContiguousArray<ContiguousArray<UInt64>>()
        built.reserveCapacity(shardCount)
        for shard in 0..<shardCount {
            let held = Int(perShard[shard])
            var slots = Self.minShardSlots
            while slots * 3 < held * 4 + 4 { slots *= 2 }
            var table = ContiguousArray(repeating: Self.empty, count: slots)
            for entry in grouped[starts[shard]..<starts[shard + 1]] {
                precondition(Int32(bitPattern: UInt32(truncatingIfNeeded: entry)) != Int32.min, "VariantHashIndex entries are variant ids")
                Self.place(entry, in: &table)
            }
            built.append(table)
        }
        shards = built
        self.held = perShard
        count = entries.count
    }
}

/// The hashes the catalogue indexes use: FNV-1a over UTF-8 bytes, and a multiplicative mix for ids. Fixed (not
/// seeded per process), so a shard's layout is the same from run to run.
enum CatalogueHash {
    @inline(__always)
    static func bytes(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return mix(hash)
    }

    @inline(__always)
    static func id(_ id: Int32) -> UInt32 { mix(UInt64(UInt32(bitPattern: id))) }

    /// Spreads every input bit over the result's bits (the top bits choose a shard, the low bits a slot).
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt32 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return UInt32(truncatingIfNeeded: x)
    }
}
