extension ProjectionState {
    /// Keeps an open move, or drops a move that left the open states.
    ///
    /// With `recordingChanges`, a change that alters what the forecast reads records change-feed entries for the
    /// variant at the locations the old and the new move touch (source and effective destination), so a poller of
    /// `/v1/changes` hears of incoming, outgoing and forecast changes in every scope they affect.
    mutating func upsertMove(_ move: StockMove, recordingChanges: Bool = false) {
        let key = Int(move.variantID.rawValue)
        guard move.state.isOpen, key >= 0 else {
            removeMove(move.id, recordingChanges: recordingChanges)
            return
        }
        let owner = moveOwners[move.id]
        if let owner, owner != move.variantID { removeMove(move.id, recordingChanges: recordingChanges) }
        let entry = MoveEntry(move)
        let previous: MoveEntry? = moves.modify(key) { entries in
            if owner == move.variantID, let index = entries.firstIndex(where: { $0.moveID == move.id }) {
                let previous = entries[index]
                entries[index] = entry
                return previous
            }
            entries.insertCompactly(entry, at: entries.count)
            return nil
        }
        if previous == nil {
            moveOwners.set(move.variantID, for: move.id)
            openMoveCount += 1
        }
        if recordingChanges, previous != entry {
            if let previous { recordMoveChange(variant: move.variantID, previous) }
            if previous?.sourceID != entry.sourceID || previous?.destinationID != entry.destinationID {
                recordMoveChange(variant: move.variantID, entry)
            }
        }
    }

    /// Forgets an open move; nothing happens for a move not held.
    mutating func removeMove(_ id: MoveID, recordingChanges: Bool = false) {
        guard let owner = moveOwners.remove(id) else { return }
        let removed: MoveEntry? = moves.modify(Int(owner.rawValue)) { entries in
            guard let index = entries.firstIndex(where: { $0.moveID == id }) else { return nil }
            let removed = entries[index]
            entries.swapAt(index, entries.count - 1)
            entries.removeLast()
            entries.shrinkIfSparse()
            return removed
        }
        guard let removed else { return }
        openMoveCount -= 1
        if recordingChanges { recordMoveChange(variant: owner, removed) }
    }

    /// Records change-feed entries for a move's variant at its source and effective destination.
    private mutating func recordMoveChange(variant: VariantID, _ entry: MoveEntry) {
        recordChange(variant: variant, location: entry.sourceID)
        if entry.destinationID != entry.sourceID { recordChange(variant: variant, location: entry.destinationID) }
    }
}
