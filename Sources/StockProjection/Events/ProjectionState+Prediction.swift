import HashTreeCollections

extension ProjectionState {
    /// Every (variant, location) pair a transaction can change, worked out before it is applied, or `nil` when
    /// the transaction changes more than quants and open moves (then any figure may change).
    ///
    /// For each quant or move row: its variant at the locations the new row names, and the variant that holds the
    /// row now (the same one, unless the row was rewritten to another product) at the locations the held row
    /// names; each with every kit built from it. This is a superset of the pairs ``apply(_:recordingChanges:)``
    /// records: it records exactly those locations, for those variants and their kits, and a transaction of
    /// quants and moves changes neither the location tree nor the kit definitions. Several rows for one quant in
    /// a transaction are covered too: a later row's "held" location is an earlier row's new one.
    ///
    /// - Complexity: One owner look-up and a scan of the owner's rows per change.
    func pairsPossiblyChanged(by transaction: SourceTransaction) -> [ChangedFigure]? {
        var pairs: [ChangedFigure] = []
        pairs.reserveCapacity(transaction.changes.count * 4)
        func add(_ variant: VariantID, _ location: LocationID) {
            pairs.append(ChangedFigure(variant: variant, location: location))
            guard !kits.isEmpty, let kitsOfComponent = kits.dependents[variant] else { return }
            for kit in kitsOfComponent { pairs.append(ChangedFigure(variant: kit, location: location)) }
        }
        func addHeldQuant(_ id: QuantID) {
            guard let owner = quantOwners[id] else { return }
            for entry in stock[Int(owner.rawValue)] where entry.quantID == id { add(owner, entry.locationID) }
        }
        func addHeldMove(_ id: MoveID) {
            guard let owner = moveOwners[id] else { return }
            for entry in moves[Int(owner.rawValue)] where entry.moveID == id {
                add(owner, entry.sourceID)
                add(owner, entry.destinationID)
            }
        }
        for change in transaction.changes {
            switch change {
            case .upsertQuant(let quant):
                add(quant.variantID, quant.locationID)
                // The common case, an update of a row the variant already holds, needs no owner look-up.
                let key = Int(quant.variantID.rawValue)
                if key >= 0, let held = stock[key].first(where: { $0.quantID == quant.id }) {
                    if held.locationID != quant.locationID { add(quant.variantID, held.locationID) }
                } else {
                    addHeldQuant(quant.id)
                }
            case .deleteQuant(let id):
                addHeldQuant(id)
            case .upsertMove(let move):
                let entry = MoveEntry(move)
                add(move.variantID, entry.sourceID)
                add(move.variantID, entry.destinationID)
                addHeldMove(move.id)
            case .closeMove(let id):
                addHeldMove(id)
            default:
                return nil
            }
        }
        return pairs
    }
}
