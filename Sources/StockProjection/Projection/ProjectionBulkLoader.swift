import Dispatch
import Synchronization

/// Builds the large tables of a ``ProjectionState`` (variants with their SKU, barcode and template indexes,
/// quants, open moves, and the owners of quants and moves) from stored rows, in one pass per table, instead of
/// applying row by row (a restart from storage).
///
/// Rows are given as the store's cursors hand them out, in ascending id order. A variant goes into the state's
/// catalogue at once (its record and strings; the kit rows loaded after it look it up); its index entries, the
/// quants and the open moves are gathered in flat arrays, and ``ProjectionState/finishBulkLoad(_:)`` builds the
/// indexes and tables from them once, at their final size, the indexes on a second thread while the calling thread
/// builds the stock and move tables. The result answers exactly as the state that ``ProjectionState/load(_:)`` of
/// the same rows builds.
///
/// Use: ``ProjectionState/bulkLoadVariant(id:templateID:sku:barcode:active:into:)`` for each variant row (before
/// the kit rows, which go through ``ProjectionState/load(_:)``), ``addQuant(_:)`` and ``addMove(_:)`` for each
/// quant and move row, then ``ProjectionState/finishBulkLoad(_:)`` in place of ``ProjectionState/finishLoading()``.
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

/// The stock and move tables a bulk load builds, handed from the building code to the state.
private struct BulkListTables {
    var stock: FlatListTable<StockEntry>
    var quantOwners: OwnerTable<Quant>
    var moves: FlatListTable<MoveEntry>
    var moveOwners: OwnerTable<StockMove>

    init(_ loader: borrowing ProjectionBulkLoader) {
        stock = loader.quantVariants.withUnsafeBufferPointer { keys in
            loader.quantEntries.withUnsafeBufferPointer { FlatListTable(bulkKeys: keys, elements: $0) }
        }
        quantOwners = loader.quantIDs.withUnsafeBufferPointer { ids in
            loader.quantVariants.withUnsafeBufferPointer { OwnerTable(bulkAscendingIDs: ids, owners: $0) }
        }
        moves = loader.moveVariants.withUnsafeBufferPointer { keys in
            loader.moveEntries.withUnsafeBufferPointer { FlatListTable(bulkKeys: keys, elements: $0) }
        }
        moveOwners = loader.moveIDs.withUnsafeBufferPointer { ids in
            loader.moveVariants.withUnsafeBufferPointer { OwnerTable(bulkAscendingIDs: ids, owners: $0) }
        }
    }
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

    /// Builds the indexes and tables from what `loader` gathered, installs them, and derives the location index
    /// and the kits (``finishLoading()``).
    ///
    /// The SKU, barcode and template indexes are built on a second thread while this one builds the stock and
    /// move tables and their owners.
    ///
    /// - Precondition: the state holds no quant and no open move, and its catalogue's indexes are empty (every
    ///   variant came through ``bulkLoadVariant(id:templateID:sku:barcode:active:into:)``).
    public mutating func finishBulkLoad(_ loader: consuming ProjectionBulkLoader) {
        precondition(quantCount == 0 && openMoveCount == 0, "a bulk load starts from a state without quants or moves")
        let entries = loader.catalogueEntries
        let done = DispatchSemaphore(value: 0)
        let box = IndexBuild()
        DispatchQueue.global().async {
            let indexes = CatalogueIndexes(building: entries)
            box.result.withLock { $0 = indexes }
            done.signal()
        }
        let lists = BulkListTables(loader)
        stock = lists.stock
        quantOwners = lists.quantOwners
        quantCount = loader.quantEntries.count
        moves = lists.moves
        moveOwners = lists.moveOwners
        openMoveCount = loader.moveEntries.count
        done.wait()
        catalogue.installIndexes(box.result.withLock { $0.take()! })
        finishLoading()
    }
}

/// Hands the indexes built on the second thread of ``ProjectionState/finishBulkLoad(_:)`` back to the caller.
private final class IndexBuild: Sendable {
    let result = Mutex<CatalogueIndexes?>(nil)
}
