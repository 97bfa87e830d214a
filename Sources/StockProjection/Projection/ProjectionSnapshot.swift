import HashTreeCollections

/// The projection at one transaction boundary: immutable, safe to read from any thread for as long as needed.
///
/// Take one with ``StockProjection/snapshot()`` per request and answer the whole request from it, so every
/// figure in an answer comes from the same commit.
public final class ProjectionSnapshot: Sendable {
    let state: ProjectionState

    init(state: ProjectionState) { self.state = state }

    /// The checkpoint of the last transaction this snapshot includes.
    public var checkpoint: Checkpoint? { state.checkpoint }

    /// The change-feed cursor that follows this snapshot: ask for changes after it to get what comes next.
    ///
    /// It carries the log's epoch (``ChangeCursor``), so a cursor of another epoch is never read as a position.
    public var changeCursor: UInt64 { ChangeCursor.encode(epoch: state.changeLog.epoch, position: state.changeLog.nextPosition) }

    /// The change log's next position (without the epoch), where a store's copy of the log ends.
    public var changeLogPosition: UInt64 { state.changeLog.nextPosition }

    /// The change log's epoch.
    public var changeEpoch: UInt16 { state.changeLog.epoch }

    /// The change-log entries from `position` on, with the bounds a store needs to mirror the log.
    public func changeLogSlice(from position: UInt64) -> ChangeLogSlice { state.changeLog.slice(from: position) }

    /// The settings figures are computed with.
    public var settings: ProjectionSettings { state.settings }

    /// Counts of what the snapshot holds.
    public var counts: ProjectionCounts {
        ProjectionCounts(
            variants: state.catalogue.variantCount,
            templates: state.catalogue.templateCount,
            locations: state.locations.count,
            warehouses: state.warehouses.count,
            units: state.units.count,
            quants: state.quantCount,
            kits: state.kits.definitions.count,
            boms: state.kitSource.boms.count
        )
    }
}

/// How many records a snapshot holds.
public struct ProjectionCounts: Hashable, Sendable, Codable {
    /// Product variants.
    public var variants: Int
    /// Product templates.
    public var templates: Int
    /// Locations.
    public var locations: Int
    /// Warehouses.
    public var warehouses: Int
    /// Units of measure.
    public var units: Int
    /// Quant rows (stock levels are their sums per variant and location).
    public var quants: Int
    /// Kits (variants an active phantom BoM matches).
    public var kits: Int = 0
    /// Bills of materials (any type).
    public var boms: Int = 0
}
