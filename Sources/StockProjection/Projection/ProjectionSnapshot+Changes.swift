extension ProjectionSnapshot {
    /// The distinct (variant, location) pairs changed at or after `cursor`, optionally only inside a scope.
    ///
    /// Read each pair's current figures from this same snapshot: the feed carries no deltas.
    ///
    /// - Parameters:
    ///   - cursor: A cursor from an earlier page or from ``changeCursor``.
    ///   - scope: Only pairs whose location is inside this scope, or `nil` for all.
    ///   - limit: The most pairs to return.
    /// - Throws: ``ChangeFeedError/expired(oldestCursor:)`` when the cursor is older than what is kept or of
    ///   another epoch (before a resync, or before a restart that followed a crash).
    public func changes(after cursor: UInt64, in scope: ResolvedScope? = nil, limit: Int) throws(ChangeFeedError) -> ChangePage {
        let log = state.changeLog
        let (epoch, start) = ChangeCursor.decode(cursor)
        let oldest = ChangeCursor.encode(epoch: log.epoch, position: log.validFrom)
        guard epoch == log.epoch else { throw .expired(oldestCursor: oldest) }
        guard start >= log.validFrom else { throw .expired(oldestCursor: oldest) }
        guard start <= log.nextPosition else { throw .fromTheFuture(latestCursor: changeCursor) }
        var seen = Set<ChangeLog.Entry>()
        var changes: [ChangePage.Change] = []
        var position = start
        let index = state.locationIndex
        while position < log.nextPosition {
            let entry = log.entry(at: position)
            if let scope {
                let slot = index.slot(entry.locationID)
                if slot.preorder < 0 || !scope.contains(preorder: slot.preorder) {
                    position += 1
                    continue
                }
            }
            if !seen.contains(entry) {
                if changes.count == limit { break }
                seen.insert(entry)
                changes.append(.init(variantID: entry.variantID, locationID: entry.locationID))
            }
            position += 1
        }
        return ChangePage(
            changes: changes, nextCursor: ChangeCursor.encode(epoch: log.epoch, position: position), hasMore: position < log.nextPosition)
    }
}
