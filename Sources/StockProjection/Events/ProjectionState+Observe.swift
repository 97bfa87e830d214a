extension ProjectionState {
    /// Hands one applied transaction to a ``TransactionObserver``.
    ///
    /// The location index and kit definitions are refreshed first when the transaction made them stale (rare:
    /// a location, warehouse or BoM edit), so the observer sees the figures as they stand at this commit boundary.
    ///
    /// - Parameters:
    ///   - transaction: The transaction just applied to `self`.
    ///   - before: The state before it.
    ///   - changedFrom: The change log's next position before it.
    ///   - observer: The observer.
    ///   - kitProblems: Collects kits that became invalid.
    /// - Returns: The observer's records.
    mutating func observe(
        _ transaction: SourceTransaction, before: ProjectionState, changedFrom: UInt64, by observer: any TransactionObserver,
        kitProblems: inout [KitDefinition]
    ) -> OutboxBatch {
        refreshLocationIndexIfNeeded()
        kitProblems += refreshKitsIfNeeded(recordingChanges: true)
        let slice = changeLog.slice(from: min(changedFrom, changeLog.nextPosition))
        guard !slice.entries.isEmpty else { return OutboxBatch() }
        var changed: [ChangedFigure] = []
        changed.reserveCapacity(slice.entries.count)
        for entry in slice.entries { changed.append(ChangedFigure(variant: entry.variantID, location: entry.locationID)) }
        return observer.transactionApplied(
            transaction, before: ProjectionSnapshot(state: before), after: ProjectionSnapshot(state: self), changed: changed)
    }
}
