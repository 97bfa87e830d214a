import Testing

@testable import StockProjection

/// The compact storage of open moves: per-variant lists in a flat table whose pools stay near their contents,
/// and the move id → variant owner table that closes by id, checked against a plain dictionary.
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

    /// Random opens, re-dates, product changes and closes through the projection: the moves held are exactly the
    /// model's, the pool reserves at most about twice what it holds, and the table frees its storage once every move closed.
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
        let storage = state.moves.storage
        #expect(storage.entries == model.count)
        #expect(storage.slots <= 2 * (storage.entries + storage.entries / 8 + 8))
        for variant in 0..<40 {
            for entry in state.moves[variant] {
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
        #expect(state.moves.storage.slots == 0)
        #expect(state.moveOwners.count == 0)
    }
}
