import LibPQ
public import Logging
import OdooIngest
public import PostgresReplicationWire
public import StockProjection

/// The first start: create the slot with an exported snapshot, copy every table inside that snapshot, and
/// commit the copy to LMDB with the slot's consistent point, so streaming from that point misses and doubles
/// nothing.
///
/// Tables are read with `COPY ... TO STDOUT` row by row and written to LMDB in chunks; the checkpoint is written
/// last, so a crash in the middle leaves a store that ``ReplicaStore/hasIncompleteSnapshot()`` reports
/// and the next start redoes.
public struct InitialSnapshot {
    /// The source database.
    public var dsn: String
    /// The slot to create.
    public var slot: ReplicationSlot
    /// Rows per LMDB transaction while copying.
    public var chunkSize = 50_000
    /// The change-log epoch of the new store: differs from the store it replaces, so no cursor of the old
    /// figures is read as a position of the new ones.
    public var changeEpoch = ChangeCursor.randomEpoch()

    /// Creates a snapshot job.
    public init(dsn: String, slot: ReplicationSlot) {
        self.dsn = dsn
        self.slot = slot
        // Tagged with the slot, so no cursor of another instance is read as one of this store's.
        changeEpoch = ChangeCursor.randomEpoch(tag: ChangeCursor.tag(forSlot: slot.name))
    }

    /// What the copy did.
    public struct Outcome: Sendable {
        /// The restored projection state at the consistent point.
        public var state: ProjectionState
        /// The slot's consistent point, now the store's checkpoint.
        public var consistentPoint: LSN
        /// Rows copied per table.
        public var rows: [String: Int]
        /// Rows that could not be mapped (logged and skipped).
        public var unmappedRows: Int
    }

    /// Runs the snapshot into an empty (or incomplete) store.
    ///
    /// - Parameters:
    ///   - store: The store to fill; its tables are emptied first.
    ///   - settings: The projection settings.
    ///   - logger: Progress and skipped rows are logged here.
    /// - Throws: ``PostgresError`` or a storage error; the store is then left without a checkpoint.
    public func run(into store: any ReplicaStore, settings: ProjectionSettings, logger: Logger) throws -> Outcome {
        try store.beginSnapshot()
        let replication = try PostgresConnection(conninfo: dsn, replication: true)
        // A slot left by an interrupted earlier snapshot has no usable snapshot any more: start over.
        try slot.drop(on: PostgresConnection(conninfo: dsn))
        let created = try slot.create(on: replication)
        logger.info(
            "replication slot created",
            metadata: ["slot": "\(slot.name)", "replication.consistent_point": "\(created.consistentPoint)"])

        let reader = try PostgresConnection(conninfo: dsn)
        try reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try reader.execute("SET TRANSACTION SNAPSHOT \(reader.literal(created.snapshotName))")
        let checkpoint = Checkpoint(position: created.consistentPoint.rawValue, commitTime: nil)
        var state = ProjectionState(settings: settings, checkpoint: checkpoint, changeCursor: 0, changeEpoch: changeEpoch)
        var rows: [String: Int] = [:]
        var unmapped = 0
        // Parents before children, so references resolve as rows load; the kit tables (mrp module, attributes)
        // only when the database has them.
        var tables: [SourceTable] = [.units, .templates, .variants, .locations, .warehouses, .quants, .moves]
        for table in [SourceTable.attributeValues, .variantValues, .boms, .bomLines, .bomLineValues] {
            let present = try reader.execute("SELECT to_regclass(\(reader.literal("public." + table.rawValue))) IS NOT NULL AS present")
            if present.value("present") == "t" { tables.append(table) }
        }
        for table in tables {
            let available = Set(
                try reader.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = \(reader.literal("public." + table.rawValue))::regclass AND attnum > 0 AND NOT attisdropped"
                ).rows.compactMap { $0[0] }
            )
            let columns = OdooTableMapper.selectColumns(for: table, available: available)
            let mapper: OdooTableMapper
            do {
                mapper = try OdooTableMapper(table: table, columns: columns)
            } catch {
                throw PostgresError(kind: .unexpectedResult, message: "cannot read \(table.rawValue): \(error)")
            }
            let select = columns.map { reader.identifier($0) }.joined(separator: ", ")
            var chunk: [StockChange] = []
            chunk.reserveCapacity(chunkSize)
            var failure: (any Error)?
            let count = try reader.copyOut(
                "COPY (SELECT \(select) FROM public.\(reader.identifier(table.rawValue))\(OdooTables.snapshotFilter(table))) TO STDOUT"
            ) { bytes in
                guard failure == nil else { return }
                do {
                    let change = try mapper.upsert(CopyTextRow.cells(bytes))
                    chunk.append(change)
                    state.load(change)
                    if chunk.count == chunkSize {
                        try store.writeSnapshotRows(chunk)
                        chunk.removeAll(keepingCapacity: true)
                    }
                } catch let error as OdooMappingError {
                    unmapped += 1
                    logger.warning("row skipped", metadata: ["odoo.relation": "\(table.rawValue)", "error": "\(error)"])
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            try store.writeSnapshotRows(chunk)
            rows[table.rawValue] = count
            logger.info("table copied", metadata: ["odoo.relation": "\(table.rawValue)", "rows": "\(count)"])
        }
        try reader.execute("COMMIT")
        state.finishLoading()
        try store.finishSnapshot(checkpoint: checkpoint, changes: .empty(epoch: changeEpoch))
        withExtendedLifetime(replication) {}
        return Outcome(state: state, consistentPoint: created.consistentPoint, rows: rows, unmappedRows: unmapped)
    }
}
