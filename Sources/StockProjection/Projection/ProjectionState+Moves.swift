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
        var previous: MoveEntry?
        if owner == move.variantID, let index = moves.firstIndex(in: key, where: { $0.moveID == move.id }) {
            previous = moves.replace(in: key, at: index, with: entry)
        } else {
            moves.append(entry, to: key)
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
        let key = Int(owner.rawValue)
        let removed = moves.firstIndex(in: key, where: { $0.moveID == id }).map { moves.remove(from: key, at: $0) }
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
