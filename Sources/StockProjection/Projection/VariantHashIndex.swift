/// A multimap from a 32-bit key hash to variant ids (SKU or barcode to the variants that have it), as shards of
/// open-addressing tables of plain data.
///
/// A slot is 8 bytes, the key's hash and a variant id; the index keeps no key, so a look-up checks each variant
/// whose hash matches against the variant's record (``CatalogueRecords`` does). Entries with the same key share a
/// hash and so a probe run: a look-up returns them all.
///
/// The top `shardBits` bits of a hash choose the shard; the bits below them choose the home slot by a multiply and
/// shift (so a shard may have any number of slots, not only a power of two). Linear probing, at most four fifths
/// full, deletion by backward shift, so there are no tombstones. A full shard grows by a quarter on its own up to
/// ``maxShardSlots`` (32 KiB); past that every shard splits in two by the next hash bit, provided the shards hold a
/// quarter of that on average (else the one crowded shard, which a key shared by many variants makes, grows), each
/// new shard sized for what it holds. Growing by a quarter keeps a shard between 64 % and 80 % full (10–12.5 bytes
/// per entry); a table built at once (``init(bulkEntries:)``) is sized exactly, 80 % full. Copying the index copies
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

    /// The slots a shard holding `entries` needs: at most four fifths full, and at least one slot free.
    @inline(__always)
    static func slots(for entries: Int) -> Int { max(minShardSlots, entries + entries >> 2 + 1) }

    @inline(__always)
    private static func pack(_ hash: UInt32, _ variant: Int32) -> UInt64 { UInt64(hash) << 32 | UInt64(UInt32(bitPattern: variant)) }

    @inline(__always)
    private func shard(of hash: UInt32) -> Int { shardBits == 0 ? 0 : Int(hash >> UInt32(32 - shardBits)) }

    /// The home slot of `hash` in a table of `slots` slots, from the hash bits below the `shardBits` that chose the
    /// shard (multiply and shift: any table size, no modulo).
    @inline(__always)
    private static func home(_ hash: UInt32, shardBits: Int, slots: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(hash << UInt32(shardBits)) &* UInt64(slots)) >> 32)
    }

    /// Calls `body` with each variant whose key has this hash (the caller compares the keys), in no order.
    ///
    /// - Complexity: O(1) expected; no allocation.
    @inline(__always)
    func forEach(hash: UInt32, _ body: (Int32) -> Void) {
        let slots = shards[shard(of: hash)]
        let shardBits = shardBits
        slots.withUnsafeBufferPointer { slots in
            var index = Self.home(hash, shardBits: shardBits, slots: slots.count)
            while true {
                let slot = slots[index]
                if slot == Self.empty { return }
                if UInt32(truncatingIfNeeded: slot >> 32) == hash { body(Int32(bitPattern: UInt32(truncatingIfNeeded: slot))) }
                index = index &+ 1 == slots.count ? 0 : index &+ 1
            }
        }
    }

    /// Adds an entry for `variant` under `hash`.
    mutating func insert(hash: UInt32, variant: Int32) {
        precondition(variant != Int32.min, "VariantHashIndex entries are variant ids")
        var shard = self.shard(of: hash)
        let needed = Self.slots(for: Int(held[shard]) + 1)
        if needed > shards[shard].count {
            let grown = needed + needed >> 2
            // Splitting helps only when the shards are full on average, not when one key holds many variants
            // (a template of thousands of variants): such a shard grows past the limit instead.
            if grown > Self.maxShardSlots, count >= (Self.maxShardSlots / 4) << shardBits {
                split()
                shard = self.shard(of: hash)
                let after = Self.slots(for: Int(held[shard]) + 1)
                if after > shards[shard].count { shards[shard] = rehashed(shards[shard], slots: after + after >> 2) }
            } else {
                shards[shard] = rehashed(shards[shard], slots: grown)
            }
        }
        Self.place(Self.pack(hash, variant), in: &shards[shard], shardBits: shardBits)
        held[shard] += 1
        count += 1
    }

    /// Removes the entry for `variant` under `hash`; returns whether there was one.
    @discardableResult
    mutating func remove(hash: UInt32, variant: Int32) -> Bool {
        let shard = self.shard(of: hash)
        let entry = Self.pack(hash, variant)
        let removed = Self.remove(entry, from: &shards[shard], shardBits: shardBits)
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
    private static func place(_ entry: UInt64, in slots: inout ContiguousArray<UInt64>, shardBits: Int) {
        slots.withUnsafeMutableBufferPointer { slots in
            var index = home(UInt32(truncatingIfNeeded: entry >> 32), shardBits: shardBits, slots: slots.count)
            while slots[index] != empty { index = index &+ 1 == slots.count ? 0 : index &+ 1 }
            slots[index] = entry
        }
    }

    /// Removes `entry`, shifting back the entries after it in its run that may move closer to their home slot.
    private static func remove(_ entry: UInt64, from slots: inout ContiguousArray<UInt64>, shardBits: Int) -> Bool {
        slots.withUnsafeMutableBufferPointer { slots in
            let size = slots.count
            var hole = home(UInt32(truncatingIfNeeded: entry >> 32), shardBits: shardBits, slots: size)
            while slots[hole] != entry {
                if slots[hole] == empty { return false }
                hole = hole &+ 1 == size ? 0 : hole &+ 1
            }
            var next = hole
            while true {
                next = next &+ 1 == size ? 0 : next &+ 1
                let slot = slots[next]
                if slot == empty { break }
                let home = home(UInt32(truncatingIfNeeded: slot >> 32), shardBits: shardBits, slots: size)
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
    private func rehashed(_ slots: ContiguousArray<UInt64>, slots count: Int) -> ContiguousArray<UInt64> {
        var grown = ContiguousArray(repeating: Self.empty, count: count)
        for slot in slots where slot != Self.empty { Self.place(slot, in: &grown, shardBits: shardBits) }
        return grown
    }

    /// Doubles the shards: each entry moves to the shard its hash's next bit chooses, each new shard sized for the
    /// entries it gets.
    private mutating func split() {
        let old = shards
        shardBits += 1
        precondition(shardBits <= 16, "VariantHashIndex holds at most 2^16 shards")
        held = ContiguousArray(repeating: 0, count: 1 << shardBits)
        for slots in old {
            for slot in slots where slot != Self.empty { held[shard(of: UInt32(truncatingIfNeeded: slot >> 32))] += 1 }
        }
        shards = ContiguousArray(held.lazy.map { ContiguousArray(repeating: Self.empty, count: Self.slots(for: Int($0))) })
        for slots in old {
            for slot in slots where slot != Self.empty {
                Self.place(slot, in: &shards[shard(of: UInt32(truncatingIfNeeded: slot >> 32))], shardBits: shardBits)
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
    /// about 1,600 and 3,300), each shard sized exactly for what it holds (four fifths full), filled shard by shard
    /// so the writes stay in cache. Look-ups answer as after inserting the entries one by one.
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
            var table = ContiguousArray(repeating: Self.empty, count: Self.slots(for: Int(perShard[shard])))
            for entry in grouped[starts[shard]..<starts[shard + 1]] {
                precondition(Int32(bitPattern: UInt32(truncatingIfNeeded: entry)) != Int32.min, "VariantHashIndex entries are variant ids")
                Self.place(entry, in: &table, shardBits: bits)
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
