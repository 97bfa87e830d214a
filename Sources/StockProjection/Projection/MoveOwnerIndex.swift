/// Which variant holds each open move, for closes that carry only the move id: about 9 bytes per move.
///
/// The moves are spread over ``shardCount`` shards by the low bits of their id; each shard is an array of packed
/// (move id, variant id) pairs sorted by move id, kept at (nearly) exact capacity. The shards live in a
/// ``ChunkedTable``, so a copy of the index shares every shard and a change afterwards copies one chunk of shard
/// references and the one shard it touches (about `count / 4096` pairs), as the per-variant tables do.
struct MoveOwnerIndex: Sendable {
    static var shardBits: Int { 12 }
    static var shardCount: Int { 1 << shardBits }

    private var shards = ChunkedTable<ContiguousArray<UInt64>>(empty: [])

    @inline(__always)
    private static func shard(of move: MoveID) -> Int { Int(UInt32(bitPattern: move.rawValue)) & (shardCount - 1) }

    @inline(__always)
    private static func pack(_ move: MoveID, _ variant: VariantID) -> UInt64 {
        UInt64(UInt32(bitPattern: move.rawValue)) << 32 | UInt64(UInt32(bitPattern: variant.rawValue))
    }

    @inline(__always)
    private static func variant(in pair: UInt64) -> VariantID { VariantID(Int32(bitPattern: UInt32(truncatingIfNeeded: pair))) }

    /// The first position in `pairs` whose move id is not below `move`'s.
    private static func lowerBound(of move: MoveID, in pairs: ContiguousArray<UInt64>) -> Int {
        let key = UInt64(UInt32(bitPattern: move.rawValue)) << 32
        var low = 0
        var high = pairs.count
        while low < high {
            let middle = (low + high) >> 1
            if pairs[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    @inline(__always)
    private static func matches(_ pairs: ContiguousArray<UInt64>, at index: Int, _ move: MoveID) -> Bool {
        index < pairs.count && UInt32(truncatingIfNeeded: pairs[index] >> 32) == UInt32(bitPattern: move.rawValue)
    }

    /// The variant that holds `move`, or `nil` when the move is not held.
    subscript(move: MoveID) -> VariantID? {
        let pairs = shards[Self.shard(of: move)]
        let index = Self.lowerBound(of: move, in: pairs)
        return Self.matches(pairs, at: index, move) ? Self.variant(in: pairs[index]) : nil
    }

    /// Records that `variant` holds `move`, replacing any earlier owner.
    mutating func set(_ variant: VariantID, for move: MoveID) {
        shards.modify(Self.shard(of: move)) { pairs in
            let index = Self.lowerBound(of: move, in: pairs)
            if Self.matches(pairs, at: index, move) {
                pairs[index] = Self.pack(move, variant)
            } else {
                pairs.insertCompactly(Self.pack(move, variant), at: index)
            }
        }
    }

    /// Forgets `move`, returning the variant that held it, or `nil` when it was not held.
    @discardableResult
    mutating func remove(_ move: MoveID) -> VariantID? {
        let shard = Self.shard(of: move)
        let pairs = shards[shard]
        let index = Self.lowerBound(of: move, in: pairs)
        guard Self.matches(pairs, at: index, move) else { return nil }
        let variant = Self.variant(in: pairs[index])
        shards.modify(shard) { pairs in
            pairs.remove(at: index)
            pairs.shrinkIfSparse()
        }
        return variant
    }

    /// Empties the index.
    mutating func removeAll() { shards.removeAll() }
}

extension ContiguousArray {
    /// Inserts `element`, growing the buffer by one element up to 8 and by an eighth beyond, instead of doubling:
    /// the projection keeps many small arrays whose spare capacity would otherwise cost as much as their contents.
    ///
    /// A buffer shared with a published snapshot is copied anyway on change, so the slower growth costs little.
    mutating func insertCompactly(_ element: Element, at index: Int) {
        if count == capacity {
            var grown = ContiguousArray()
            grown.reserveCapacity(count + count / 8 + 1)
            grown.append(contentsOf: self[..<index])
            grown.append(element)
            grown.append(contentsOf: self[index...])
            self = grown
        } else {
            insert(element, at: index)
        }
    }

    /// Moves the elements to an exact-capacity buffer once more than a quarter (plus two) of the capacity is
    /// spare, and frees the buffer of an empty array, so lists that shrank give their memory back.
    mutating func shrinkIfSparse() {
        if isEmpty {
            if capacity > 0 { self = [] }
        } else if capacity > count + count / 4 + 2 {
            var exact = ContiguousArray()
            exact.reserveCapacity(count)
            exact.append(contentsOf: self)
            self = exact
        }
    }
}
