import HashTreeCollections

/// Everything the projection knows at one transaction boundary: an immutable-by-convention value whose copies
/// share storage (paged plain-data tables, and hash tries for the small tables), so the writer can change a copy cheaply
/// while readers keep the published one.
public struct ProjectionState: Sendable {
    /// Quants per variant, addressed by variant id.
    var stock = FlatListTable<StockEntry>()
    /// Which variant owns each quant id (deletes carry only the id).
    var quantOwners = OwnerTable<Quant>()
    /// Variants and templates, and the SKU, barcode and template indexes (plain-data pages, see
    /// ``CatalogueRecords``).
    var catalogue = CatalogueRecords()
    var units: [UnitID: UnitOfMeasure] = [:]
    var locations: [LocationID: Location] = [:]
    var warehouses: [WarehouseID: Warehouse] = [:]
    var locationIndex = LocationIndex()
    var locationIndexIsStale = false
    var kitSource = KitSource()
    var kits = KitIndex()
    /// What changed in the kit inputs since the last refresh.
    var kitStaleness = KitStaleness()
    /// Open moves per variant, addressed by variant id (see ``MoveEntry``).
    var moves = FlatListTable<MoveEntry>()
    /// Which variant owns each open move id (a close carries only the id).
    var moveOwners = OwnerTable<StockMove>()
    var changeLog: ChangeLog
    var settings: ProjectionSettings

    /// The checkpoint of the last applied transaction, or `nil` for an empty projection.
    public internal(set) var checkpoint: Checkpoint?
    /// The number of quant rows held.
    public internal(set) var quantCount = 0
    /// The number of open moves held.
    public internal(set) var openMoveCount = 0

    /// Creates an empty state.
    ///
    /// - Parameters:
    ///   - settings: Quarantine, safety stock and change-log settings.
    ///   - checkpoint: The checkpoint the state corresponds to (when restoring from storage).
    ///   - changeCursor: The change feed's next position (restored from storage); earlier cursors expire.
    ///   - changeEpoch: The epoch of the change log (0 for a projection that is never stored).
    public init(settings: ProjectionSettings = ProjectionSettings(), checkpoint: Checkpoint? = nil, changeCursor: UInt64 = 0, changeEpoch: UInt16 = 0)
    {
        self.settings = settings
        self.checkpoint = checkpoint
        self.changeLog = ChangeLog(startingAt: changeCursor, capacity: settings.changeLogCapacity, epoch: changeEpoch)
    }

    /// Restores the change log from storage, so cursors handed out before a clean restart stay valid.
    ///
    /// - Parameters:
    ///   - entries: The stored entries from `validFrom` on, in position order.
    ///   - validFrom: The oldest valid position.
    ///   - nextPosition: The position the next entry gets.
    ///   - epoch: The log's epoch.
    public mutating func restoreChangeLog(_ entries: [StoredChange], validFrom: UInt64, nextPosition: UInt64, epoch: UInt16) {
        changeLog = ChangeLog(
            restoring: entries, validFrom: validFrom, nextPosition: nextPosition, epoch: epoch, capacity: settings.changeLogCapacity)
    }

    /// Starts a new change-log epoch: every cursor handed out so far expires. Used when the projection goes back
    /// to an older durable state whose replay may number entries differently (a restart after a crash).
    public mutating func startNewChangeEpoch() { changeLog.startNewEpoch() }

    /// Loads one row change without recording it in the change feed (used to restore from storage).
    ///
    /// Call ``finishLoading()`` once every row is in.
    public mutating func load(_ change: StockChange) {
        _ = apply(change, recordingChanges: false)
    }

    /// Derives the location index after ``load(_:)`` calls.
    public mutating func finishLoading() {
        refreshLocationIndexIfNeeded()
        if !kitStaleness.isEmpty { kitStaleness.all = true }  // one build from scratch, not kit by kit
        refreshKitsIfNeeded(recordingChanges: false)
    }

    mutating func refreshLocationIndexIfNeeded() {
        guard locationIndexIsStale else { return }
        locationIndex = LocationIndex(locations: locations, warehouses: warehouses, quarantine: settings.quarantine)
        locationIndexIsStale = false
    }

    mutating func replaceSettings(_ newSettings: ProjectionSettings) {
        let kitRulesChanged = settings.kitRules != newSettings.kitRules
        settings = newSettings
        locationIndexIsStale = true
        refreshLocationIndexIfNeeded()
        if kitRulesChanged {
            kitStaleness.all = !kitSource.isEmpty
            refreshKitsIfNeeded(recordingChanges: false)
        }
    }
}

extension ProjectionState {
    /// The variant's SKU for the safety-stock policy: `nil` without decoding it when the policy has no per-SKU rule,
    /// so figures allocate no string.
    func safetyStockSKU(_ variant: VariantID) -> String? {
        settings.safetyStock.perSKU.isEmpty ? nil : catalogue.sku(of: variant)
    }
}
