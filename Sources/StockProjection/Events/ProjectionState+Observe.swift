extension ProjectionState {
    /// Applies one transaction and hands it to a ``TransactionObserver``.
    ///
    /// For a transaction of quants and open moves only (and `foreseeing`), the observer first prepares what it
    /// needs from the state before the transaction, for every pair the transaction can change; then the
    /// transaction is applied to `self` in place. Otherwise the observer gets the whole state before the
    /// transaction, which costs a copy of everything the transaction changes. A pair that changed without having
    /// been foreseen is reported as an ``ApplyAnomaly/unforeseenChange(_:_:)``.
    ///
    /// The location index and kit definitions are refreshed before the observer evaluates when the transaction
    /// made them stale (rare: a location, warehouse or BoM edit), so it sees the figures as they stand at this
    /// commit boundary.
    ///
    /// - Parameters:
    ///   - transaction: The transaction to apply.
    ///   - observer: The observer.
    ///   - foreseeing: Whether to prepare "before" figures (`false` always hands over the whole state; for tests).
    ///   - boundary: A snapshot of `self` as it stands, or `nil`; on return, a snapshot of `self` after the
    ///     transaction, or `nil`. Consecutive transactions share the snapshot at the boundary between them (the
    ///     "after" of one is the "before" of the next), so a transaction costs one snapshot, not two. The caller
    ///     must drop it before changing `self` any other way.
    ///   - anomalies: Collects rows that could not be applied as given.
    ///   - kitProblems: Collects kits that became invalid.
    /// - Returns: The observer's records.
    mutating func apply<Observer: TransactionObserver>(
        _ transaction: SourceTransaction, observedBy observer: Observer, foreseeing: Bool, boundary: inout ProjectionSnapshot?,
        anomalies: inout [ApplyAnomaly], kitProblems: inout [KitDefinition]
    ) -> OutboxBatch {
        let changedFrom = changeLog.nextPosition
        let foreseen = foreseeing ? pairsPossiblyChanged(by: transaction) : nil
        let before: StateBefore<Observer.Prepared>
        if let foreseen {
            // The snapshot lives for the call only, so the changes below find the state's storage unshared.
            let snapshot = boundary ?? ProjectionSnapshot(state: self)
            boundary = nil
            before = .prepared(observer.prepare(transaction, changing: foreseen, before: snapshot))
        } else {
            before = .whole(boundary ?? ProjectionSnapshot(state: self))
            boundary = nil
        }
        for change in transaction.changes {
            if let anomaly = apply(change, recordingChanges: true) { anomalies.append(anomaly) }
        }
        refreshLocationIndexIfNeeded()
        kitProblems += refreshKitsIfNeeded(recordingChanges: true)
        let slice = changeLog.slice(from: min(changedFrom, changeLog.nextPosition))
        guard !slice.entries.isEmpty else { return OutboxBatch() }
        var changed: [ChangedFigure] = []
        changed.reserveCapacity(slice.entries.count)
        for entry in slice.entries { changed.append(ChangedFigure(variant: entry.variantID, location: entry.locationID)) }
        if let foreseen {
            for pair in Self.unforeseen(changed, foreseen: foreseen) { anomalies.append(.unforeseenChange(pair.variant, pair.location)) }
        }
        let after = ProjectionSnapshot(state: self)
        boundary = after
        return observer.transactionApplied(transaction, before: before, after: after, changed: changed)
    }

    /// The pairs of `changed` missing from `foreseen`, each once.
    static func unforeseen(_ changed: [ChangedFigure], foreseen: [ChangedFigure]) -> [ChangedFigure] {
        var missing: [ChangedFigure] = []
        if foreseen.count <= 32 {
            for pair in changed where !foreseen.contains(pair) && !missing.contains(pair) { missing.append(pair) }
        } else {
            let known = Set(foreseen)
            var reported = Set<ChangedFigure>()
            for pair in changed where !known.contains(pair) && reported.insert(pair).inserted { missing.append(pair) }
        }
        return missing
    }
}
