import Dispatch
import Synchronization

/// Builds the large tables of a ``ProjectionState`` (variants with their SKU, barcode and template indexes,
/// quants, open moves, and the owners of quants and moves) from stored rows, in one pass per table, instead of
/// applying row by row (a restart from storage).
///
/// Rows are given as the store's cursors hand them out, in ascending id order. A variant goes into the state's
/// catalogue at once (its record and strings; the kit rows loaded after it look it up); its index entries, the
/// quants and the open moves are gathered in flat arrays, and ``startBuilding()`` builds the indexes and tables
/// from them once, at their final size, on a second thread, while the calling thread loads the rows that take the
/// row-by-row path. The result answers exactly as the state that ``ProjectionState/load(_:)`` of the same rows
/// builds.
///
/// Use: ``ProjectionState/bulkLoadVariant(id:templateID:sku:barcode:active:into:)`` for each variant row,
/// ``addQuant(_:)`` and ``addMove(_:)`` for each quant and move row, then ``startBuilding()``; then the kit
/// rows and small tables through ``ProjectionState/load(_:)``, and ``ProjectionState/finishBulkLoad(_:)`` in place
/// of ``ProjectionState/finishLoading()``.
public struct ProjectionBulkLoader: Sendable {
    var catalogueEntries: CatalogueIndexEntries
    var quantIDs: [Int32] = []
    var quantVariants: [Int32] = []
    var quantEntries: [StockEntry] = []
    var moveIDs: [Int32] = []
    var moveVariants: [Int32] = []
    var moveEntries: [MoveEntry] = []

    /// Creates a loader with room for the given numbers of rows (the store's row counts; a wrong guess costs only
    /// growth).
    public init(variants: Int, quants: Int, moves: Int) {
        catalogueEntries = CatalogueIndexEntries(capacity: variants)
        quantIDs.reserveCapacity(quants)
        quantVariants.reserveCapacity(quants)
        quantEntries.reserveCapacity(quants)
        moveIDs.reserveCapacity(moves)
        moveVariants.reserveCapacity(moves)
        moveEntries.reserveCapacity(moves)
    }

    /// Adds a stored quant row.
    ///
    /// - Precondition: quants come in ascending id order, each id once.
    public mutating func addQuant(_ quant: Quant) {
        // A negative variant id has nowhere to live (as in `upsertQuant`).
        guard quant.variantID.rawValue >= 0 else { return }
        precondition(quantIDs.last.map { $0 < quant.id.rawValue } ?? true, "bulk-loaded quants ascend by id")
        quantIDs.append(quant.id.rawValue)
        quantVariants.append(quant.variantID.rawValue)
        quantEntries.append(StockEntry(quantID: quant.id, locationID: quant.locationID, quantity: quant.quantity, reserved: quant.reserved))
    }

    /// Adds a stored move row; a move that is not open is not held (as in `upsertMove`).
    ///
    /// - Precondition: moves come in ascending id order, each id once.
    public mutating func addMove(_ move: StockMove) {
        guard move.state.isOpen, move.variantID.rawValue >= 0 else { return }
        precondition(moveIDs.last.map { $0 < move.id.rawValue } ?? true, "bulk-loaded moves ascend by id")
        moveIDs.append(move.id.rawValue)
        moveVariants.append(move.variantID.rawValue)
        moveEntries.append(MoveEntry(move))
    }
}

/// The tables a bulk load builds from a ``ProjectionBulkLoader``'s rows.
struct BulkTables: Sendable {
    var indexes: CatalogueIndexes
    var stock: FlatListTable<StockEntry>
    var quantOwners: OwnerTable<Quant>
    var quantCount: Int
    var moves: FlatListTable<MoveEntry>
    var moveOwners: OwnerTable<StockMove>
    var openMoveCount: Int

    init(_ loader: ProjectionBulkLoader) {
        indexes = CatalogueIndexes(building: loader.catalogueEntries)
        stock = loader.quantVariants.withUnsafeBufferPointer { keys in
            loader.quantEntries.withUnsafeBufferPointer { FlatListTable(bulkKeys: keys, elements: $0) }
        }
        quantOwners = loader.quantIDs.withUnsafeBufferPointer { ids in
            loader.quantVariants.withUnsafeBufferPointer { OwnerTable(bulkAscendingIDs: ids, owners: $0) }
        }
        quantCount = loader.quantEntries.count
        moves = loader.moveVariants.withUnsafeBufferPointer { keys in
            loader.moveEntries.withUnsafeBufferPointer { FlatListTable(bulkKeys: keys, elements: $0) }
        }
        moveOwners = loader.moveIDs.withUnsafeBufferPointer { ids in
            loader.moveVariants.withUnsafeBufferPointer { OwnerTable(bulkAscendingIDs: ids, owners: $0) }
        }
        openMoveCount = loader.moveEntries.count
    }
}

/// The tables of a bulk load being built on a second thread (``ProjectionBulkLoader/startBuilding()``), while the
/// caller loads the small tables and the kit rows; ``ProjectionState/finishBulkLoad(_:)`` waits for them.
public final class ProjectionBulkBuild: Sendable {
    /// The rows, until the build takes them: they are released before the tables are handed over, so a finished
    /// load holds no copy of them (the closure on the other thread may outlive the signal).
    private let rows: Mutex<ProjectionBulkLoader?>
    private let result = Mutex<BulkTables?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ loader: consuming ProjectionBulkLoader) {
        rows = Mutex(loader)
        DispatchQueue.global().async { [self] in
            let tables = BulkTables(rows.withLock { $0.take()! })
            result.withLock { $0 = tables }
            done.signal()
        }
    }

    /// Waits for the tables (once).
    func wait() -> BulkTables {
        done.wait()
        return result.withLock { $0.take()! }
    }
}

extension ProjectionBulkLoader {
    /// Builds the SKU, barcode and template indexes, the stock and move tables and their owner tables from the
    /// gathered rows on a second thread, each once at its final size. Call once every variant, quant and move row
    /// is in; the caller goes on with the rows that take the row-by-row path.
    public consuming func startBuilding() -> ProjectionBulkBuild { ProjectionBulkBuild(self) }
}

extension ProjectionState {
    /// Stores a stored variant row during a bulk load: its record and strings go into the catalogue at once (the
    /// SKU and barcode bytes copied straight from the row), its index entries into `loader`.
    ///
    /// - Parameters:
    ///   - sku: The SKU's UTF-8 bytes, or `nil` for none.
    ///   - barcode: The barcode's UTF-8 bytes, or `nil` for none.
    /// - Precondition: the state holds no variant with this id, and no kit row was loaded yet (kits are built
    ///   from scratch when the load finishes).
    public mutating func bulkLoadVariant(
        id: VariantID, templateID: TemplateID, sku: UnsafeRawBufferPointer?, barcode: UnsafeRawBufferPointer?, active: Bool,
        into loader: inout ProjectionBulkLoader
    ) {
        // The row-by-row path notes kit inputs here; with no BoM loaded yet (`kitSource` empty) it notes nothing.
        precondition(kitSource.isEmpty && kits.isEmpty, "variants are bulk-loaded before the kit rows")
        catalogue.bulkStoreVariant(
            id: id.rawValue, templateID: templateID.rawValue, sku: sku, barcode: barcode, active: active, entries: &loader.catalogueEntries)
    }

    /// Installs the tables `build` made (waiting for them), then derives the location index and the kits
    /// (``finishLoading()``).
    ///
    /// - Precondition: the state holds no quant and no open move, and its catalogue's indexes are empty (every
    ///   variant came through ``bulkLoadVariant(id:templateID:sku:barcode:active:into:)``).
    public mutating func finishBulkLoad(_ build: ProjectionBulkBuild) {
        precondition(quantCount == 0 && openMoveCount == 0, "a bulk load starts from a state without quants or moves")
        let tables = build.wait()
        catalogue.installIndexes(tables.indexes)
        stock = tables.stock
        quantOwners = tables.quantOwners
        quantCount = tables.quantCount
        moves = tables.moves
        moveOwners = tables.moveOwners
        openMoveCount = tables.openMoveCount
        finishLoading()
    }
}
