extension ProjectionState {
    /// Keeps an open move, or drops a move that left the open states.
    mutating func upsertMove(_ move: StockMove) {
        let key = Int(move.variantID.rawValue)
        guard move.state.isOpen, key >= 0 else {
            removeMove(move.id)
            return
        }
        let owner = moveOwners[move.id]
        if let owner, owner != move.variantID { removeMove(move.id) }
        let entry = MoveEntry(move)
        let replaced: Bool = moves.modify(key) { entries in
            if owner == move.variantID, let index = entries.firstIndex(where: { $0.moveID == move.id }) {
                entries[index] = entry
                return true
            }
            entries.insertCompactly(entry, at: entries.count)
            return false
        }
        if !replaced {
            moveOwners.set(move.variantID, for: move.id)
            openMoveCount += 1
        }
    }

    /// Forgets an open move; nothing happens for a move not held.
    mutating func removeMove(_ id: MoveID) {
        guard let owner = moveOwners.remove(id) else { return }
        let removed: Bool = moves.modify(Int(owner.rawValue)) { entries in
            guard let index = entries.firstIndex(where: { $0.moveID == id }) else { return false }
            entries.swapAt(index, entries.count - 1)
            entries.removeLast()
            entries.shrinkIfSparse()
            return true
        }
        if removed { openMoveCount -= 1 }
    }
}
