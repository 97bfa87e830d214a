import Testing

@testable import StockProjection

/// The compact storage of open moves: per-variant lists kept at (nearly) exact capacity, and the sharded
/// move id → variant index that closes by id, checked against a plain dictionary.
@Suite struct MoveStorageTests {
    /// A small deterministic generator (SplitMix64), so a failure replays.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Ids that share a shard (4,096 apart), new owners, re-owned and removed ids, in random order.
    @Test func ownerIndexMatchesADictionary() {
        var index = MoveOwnerIndex()
        var model: [MoveID: VariantID] = [:]
        var random = Random(state: 14)
        for _ in 0..<20_000 {
            let move = MoveID(Int32(Int.random(in: 0..<64, using: &random) * 4_096 + Int.random(in: 0..<8, using: &random)))
            if Bool.random(using: &random) {
                let variant = VariantID(Int32.random(in: 0..<1_000, using: &random))
                index.set(variant, for: move)
                model[move] = variant
            } else {
                #expect(index.remove(move) == model.removeValue(forKey: move))
            }
        }
        for raw in 0..<(64 * 4_096 + 8) { #expect(index[MoveID(Int32(raw))] == model[MoveID(Int32(raw))]) }
        #expect(index[MoveID(Int32.max)] == nil)
    }

    /// A copy keeps its owners while the original changes (copy-on-write, as a published snapshot does).
    @Test func ownerIndexCopiesOnWrite() {
        var index = MoveOwnerIndex()
        for raw in Int32(1)...5_000 { index.set(VariantID(raw % 7), for: MoveID(raw)) }
        let published = index
        for raw in Int32(1)...5_000 where raw % 2 == 0 { index.remove(MoveID(raw)) }
        index.set(VariantID(99), for: MoveID(1))
        #expect(published[MoveID(1)] == VariantID(1))
        #expect(published[MoveID(2)] == VariantID(2))
        #expect(index[MoveID(1)] == VariantID(99))
        #expect(index[MoveID(2)] == nil)
    }

    /// Random opens, re-dates, product changes and closes through the projection: the moves held are exactly the
    /// model's, a variant's list holds at most a quarter (plus two) of spare capacity, and an emptied list frees its buffer.
    @Test func movesFollowARandomStream() throws {
        var state = ProjectionState()
        var model: [MoveID: StockMove] = [:]
        var random = Random(state: 7)
        let states = StockMove.State.allCases
        for step in 0..<30_000 {
            let id = MoveID(Int32.random(in: 1...3_000, using: &random))
            if Int.random(in: 0..<5, using: &random) == 0 {
                _ = state.apply(.closeMove(id), recordingChanges: false)
                model[id] = nil
                continue
            }
            let move = StockMove(
                id: id, variantID: VariantID(Int32.random(in: 0..<40, using: &random)), quantity: Quantity(units: step % 17 + 1),
                state: states.randomElement(using: &random)!, sourceID: LocationID(3), destinationID: LocationID(11), date: Int64(step))
            _ = state.apply(.upsertMove(move), recordingChanges: false)
            model[id] = move.state.isOpen ? move : nil
        }
        var held: [MoveID: MoveEntry] = [:]
        var owners: [MoveID: VariantID] = [:]
        for variant in 0..<40 {
            let entries = state.moves[variant]
            #expect(entries.capacity <= entries.count + entries.count / 4 + 2)
            for entry in entries {
                #expect(held.updateValue(entry, forKey: entry.moveID) == nil)
                owners[entry.moveID] = VariantID(Int32(variant))
            }
        }
        #expect(state.openMoveCount == model.count)
        #expect(held.count == model.count)
        for (id, move) in model {
            #expect(held[id] == MoveEntry(move))
            #expect(owners[id] == move.variantID)
            #expect(state.moveOwners[id] == move.variantID)
        }
        for (id, _) in model { _ = state.apply(.closeMove(id), recordingChanges: false) }
        #expect(state.openMoveCount == 0)
        for variant in 0..<40 { #expect(state.moves[variant].capacity == 0) }
    }
}
