import LMDB
public import StockProjection

/// The projection's durable copy in LMDB: the mirrored source rows, the checkpoint and the change-feed cursor,
/// always written together in one LMDB transaction.
///
/// Layout (format version 2): one named database per source table (`stock_quant`, `stock_location`, ...) keyed
/// by the row id (4 bytes, big-endian, sign bit flipped, so cursor order is id order), a `changes` database with
/// the change log's newest entries (key: the position, 8 bytes big-endian; value: variant and location ids), and a
/// `meta` database with `format_version`, `checkpoint`, `change_cursor`, `change_epoch`, `change_valid_from`,
/// `confirmed` and `session_open`. Rows are encoded by `RowCodec`. The two
/// many-to-many tables (`product_variant_combination`, `mrp_bom_line_product_template_attribute_value_rel`) are
/// keyed by both ids (8 bytes) with an empty value. Version 2 added the manufacturing tables (kits); a version 1
/// store lacks them and is refused, so `stockd resync` rebuilds it rather than serving kits without BoMs.
/// Version 3 added `stock_move` (open moves only: variant, source, effective destination, quantity, date), which the
/// forecast reads; a version 2 store has no moves and is refused the same way ("resync required").
public final class LMDBProjectionStore: ProjectionStore, Sendable {
    /// The format this build writes and reads.
    public static let formatVersion: UInt32 = 3

    let environment: LMDBEnvironment
    /// Stock events (see `LMDBProjectionStore+Outbox.swift`); opened with create, so older stores get an empty one.
    let outbox: LMDBDatabase
    /// Delivery cursors, dead letters and other state of the event adapters (`LMDBProjectionStore+Outbox.swift`).
    let eventState: LMDBDatabase
    /// How many outbox records the store keeps.
    public let outboxRetention: OutboxRetention
    /// Outbox records dropped by retention since the store was opened.
    let outboxDroppedCounter = OutboxDropCounter()
    let meta: LMDBDatabase
    let changes: LMDBDatabase
    private let tables: SourceTableDatabases
    /// The directory of the store.
    public let path: String
    /// The map size the store was opened with.
    public let initialMapSize: Int
    /// How hard commits sync.
    public let durability: StoreDurability

    enum MetaKey {
        static let formatVersion = Array("format_version".utf8)
        static let checkpoint = Array("checkpoint".utf8)
        static let changeCursor = Array("change_cursor".utf8)
        static let confirmed = Array("confirmed".utf8)
        static let changeEpoch = Array("change_epoch".utf8)
        static let changeValidFrom = Array("change_valid_from".utf8)
        static let sessionOpen = Array("session_open".utf8)
    }

    /// Opens (or creates) a store.
    ///
    /// - Parameters:
    ///   - path: The directory; created if missing.
    ///   - initialMapSize: The initial LMDB map size in bytes; the map grows when it is full.
    ///   - durability: How hard commits sync.
    /// - Throws: ``StoreError/incompatibleFormat(found:supported:)`` for a store of another format version,
    ///   ``StoreError/notAStore(_:)`` for an LMDB environment that is not a stockd store, or a storage error.
    ///   - outboxRetention: How many stock events the outbox keeps, and for how long.
    public init(
        path: String, initialMapSize: Int = 1 << 30, durability: StoreDurability = .full, outboxRetention: OutboxRetention = OutboxRetention()
    ) throws {
        self.path = path
        self.outboxRetention = outboxRetention
        self.initialMapSize = initialMapSize
        self.durability = durability
        let flags: LMDBEnvironment.Flags =
            switch durability {
            case .full: []
            case .noMetaSync: .noMetaSync
            case .noSync: .noSync
            }
        do {
            // 16 named databases are in use (meta, changes, 12 source tables, outbox, event state): room for more.
            environment = try LMDBEnvironment(path: path, maxDatabases: 32, mapSize: initialMapSize, flags: flags)
            (meta, changes, tables, outbox, eventState) = try environment.withWriteTransaction { transaction in
                let meta = try transaction.openDatabase(named: "meta", create: true)
                let changes = try transaction.openDatabase(named: "changes", create: true)
                let tables = try SourceTableDatabases { table in try transaction.openDatabase(named: table.rawValue, create: true) }
                let outbox = try transaction.openDatabase(named: "outbox", create: true)
                let eventState = try transaction.openDatabase(named: "event_state", create: true)
                return (meta, changes, tables, outbox, eventState)
            }
        } catch let error as LMDBError {
            throw StoreError.storage(StoreFilesystem.describe(error, at: path))
        }
        try checkFormat()
    }

    private func checkFormat() throws {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                if let stored = try transaction.get(MetaKey.formatVersion, in: meta) {
                    var reader = RowReader(UnsafeRawBufferPointer(start: nil, count: 0))
                    let version: UInt32 = try stored.withUnsafeBytes { bytes in
                        reader = RowReader(bytes)
                        return try reader.read()
                    }
                    guard version == Self.formatVersion else {
                        throw StoreError.incompatibleFormat(found: version, supported: Self.formatVersion)
                    }
                    return
                }
                for table in SourceTable.allCases where try transaction.count(in: tables[table]) > 0 {
                    throw StoreError.notAStore("\(path) has \(table.rawValue) rows but no format version")
                }
                var writer = RowWriter()
                writer.write(Self.formatVersion)
                try transaction.put(writer.bytes, forKey: MetaKey.formatVersion, in: meta)
            }
        }
    }

    public func persist(_ transactions: [SourceTransaction], checkpoint: Checkpoint, changes slice: ChangeLogSlice) throws {
        try persist(transactions, checkpoint: checkpoint, changes: slice, outbox: OutboxBatch())
    }

    /// Writes the transactions' rows, the checkpoint, the change log and the outbox records in one LMDB transaction,
    /// then applies the outbox's retention in the same transaction.
    public func persist(
        _ transactions: [SourceTransaction], checkpoint: Checkpoint, changes slice: ChangeLogSlice, outbox batch: OutboxBatch
    )
        throws
    {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                var writer = RowWriter()
                for sourceTransaction in transactions {
                    for change in sourceTransaction.changes {
                        try write(change, into: &transaction, writer: &writer)
                    }
                }
                writer.reset()
                Self.encode(checkpoint, into: &writer)
                try transaction.put(writer.bytes, forKey: MetaKey.checkpoint, in: meta)
                try writeChangeLog(slice, into: &transaction)
                if !batch.isEmpty { try writeOutbox(batch, into: &transaction) }
            }
        }
    }

    /// Mirrors the change log: adds the slice's entries, drops entries below its `validFrom`, and records its
    /// bounds and epoch.
    private func writeChangeLog(_ slice: ChangeLogSlice, into transaction: inout LMDBWriteTransaction) throws {
        var writer = RowWriter()
        for entry in slice.entries where entry.position >= slice.validFrom {
            // Key and value on the stack: no allocation per entry on the commit path.
            let value = (entry.variantID.rawValue.bigEndian, entry.locationID.rawValue.bigEndian)
            try withUnsafeBytes(of: entry.position.bigEndian) { key in
                try withUnsafeBytes(of: value) { bytes in try transaction.put(bytes, forKey: key, in: changes) }
            }
        }
        // Entries below validFrom, oldest first; usually none or a few (the log drops a chunk at a time).
        var expired: [UInt64] = []
        try transaction.forEach(in: changes) { key, _ in
            let position = Self.changePosition(key)
            guard position < slice.validFrom else { return .stop }
            expired.append(position)
            return .continue
        }
        for position in expired {
            _ = try withUnsafeBytes(of: position.bigEndian) { key in try transaction.delete(key, in: changes) }
        }
        writer.reset()
        writer.write(slice.nextPosition)
        try transaction.put(writer.bytes, forKey: MetaKey.changeCursor, in: meta)
        writer.reset()
        writer.write(slice.validFrom)
        try transaction.put(writer.bytes, forKey: MetaKey.changeValidFrom, in: meta)
        writer.reset()
        writer.write(slice.epoch)
        try transaction.put(writer.bytes, forKey: MetaKey.changeEpoch, in: meta)
    }

    private static func changePosition(_ key: UnsafeRawBufferPointer) -> UInt64 {
        guard key.count == 8 else { return 0 }
        return key.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Writes the change log's bounds alone (a new epoch, whose log is empty), dropping the stored entries.
    public func resetChangeLog(_ slice: ChangeLogSlice) throws {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                try writeChangeLog(slice, into: &transaction)
            }
        }
    }

    /// Marks the store as in use by a running feed and says whether the previous one closed it cleanly.
    ///
    /// After an unclean end (a crash, a kill) memory had run ahead of the store; the replay that follows may
    /// number change-log entries differently from what clients saw, so the caller starts a new epoch then.
    ///
    /// - Returns: Whether the previous session ended with ``closeSession()`` (or there was none).
    public func openSession() throws -> Bool {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                let open = try transaction.get(MetaKey.sessionOpen, in: meta).map { $0.first == 1 } ?? false
                try transaction.put([1], forKey: MetaKey.sessionOpen, in: meta)
                return !open
            }
        }
    }

    /// Marks the store as cleanly closed: everything the projection published is committed.
    public func closeSession() throws {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                try transaction.put([0], forKey: MetaKey.sessionOpen, in: meta)
            }
            if durability != .full { try environment.sync(force: true) }
        }
    }

    private func write(_ change: StockChange, into transaction: inout LMDBWriteTransaction, writer: inout RowWriter) throws {
        func put(_ table: SourceTable, _ id: Int32) throws {
            try writer.bytes.withUnsafeBytes { value in
                try RowKey.withKey(id) { key in try transaction.put(value, forKey: key, in: tables[table]) }
            }
        }
        func delete(_ table: SourceTable, _ id: Int32) throws {
            _ = try RowKey.withKey(id) { key in try transaction.delete(key, in: tables[table]) }
        }
        writer.reset()
        switch change {
        case .upsertQuant(let row):
            RowCodec.encode(row, into: &writer)
            try put(.quants, row.id.rawValue)
        case .deleteQuant(let id): try delete(.quants, id.rawValue)
        case .upsertLocation(let row):
            RowCodec.encode(row, into: &writer)
            try put(.locations, row.id.rawValue)
        case .deleteLocation(let id): try delete(.locations, id.rawValue)
        case .upsertWarehouse(let row):
            RowCodec.encode(row, into: &writer)
            try put(.warehouses, row.id.rawValue)
        case .deleteWarehouse(let id): try delete(.warehouses, id.rawValue)
        case .upsertVariant(let row):
            RowCodec.encode(row, into: &writer)
            try put(.variants, row.id.rawValue)
        case .deleteVariant(let id): try delete(.variants, id.rawValue)
        case .upsertTemplate(let row):
            RowCodec.encode(row, into: &writer)
            try put(.templates, row.id.rawValue)
        case .deleteTemplate(let id): try delete(.templates, id.rawValue)
        case .upsertUnit(let row):
            RowCodec.encode(row, into: &writer)
            try put(.units, row.id.rawValue)
        case .deleteUnit(let id): try delete(.units, id.rawValue)
        case .upsertBoM(let row):
            RowCodec.encode(row, into: &writer)
            try put(.boms, row.id.rawValue)
        case .deleteBoM(let id): try delete(.boms, id.rawValue)
        case .upsertBoMLine(let row):
            RowCodec.encode(row, into: &writer)
            try put(.bomLines, row.id.rawValue)
        case .deleteBoMLine(let id): try delete(.bomLines, id.rawValue)
        case .upsertAttributeValue(let row):
            writer.write(row.attributeID.rawValue)
            try put(.attributeValues, row.id.rawValue)
        case .deleteAttributeValue(let id): try delete(.attributeValues, id.rawValue)
        case .linkBoMLineValue(let link):
            try RowKey.withKey(link.ownerID.rawValue, link.valueID.rawValue) { key in
                try transaction.put(UnsafeRawBufferPointer(start: nil, count: 0), forKey: key, in: tables[.bomLineValues])
            }
        case .unlinkBoMLineValue(let link):
            _ = try RowKey.withKey(link.ownerID.rawValue, link.valueID.rawValue) { key in try transaction.delete(key, in: tables[.bomLineValues]) }
        case .linkVariantValue(let link):
            try RowKey.withKey(link.ownerID.rawValue, link.valueID.rawValue) { key in
                try transaction.put(UnsafeRawBufferPointer(start: nil, count: 0), forKey: key, in: tables[.variantValues])
            }
        case .unlinkVariantValue(let link):
            _ = try RowKey.withKey(link.ownerID.rawValue, link.valueID.rawValue) { key in try transaction.delete(key, in: tables[.variantValues]) }
        case .upsertMove(let move):
            if move.state.isOpen {
                RowCodec.encode(move, into: &writer)
                try put(.moves, move.id.rawValue)
            } else {
                try delete(.moves, move.id.rawValue)
            }
        case .closeMove(let id): try delete(.moves, id.rawValue)
        case .truncate(let table): try transaction.drop(tables[table])
        }
    }

    /// Empties every table and forgets the checkpoint, so an initial snapshot can be written from scratch.
    ///
    /// Until ``finishSnapshot(checkpoint:changeCursor:)`` commits, the store has rows but no checkpoint, which
    /// ``hasIncompleteSnapshot()`` reports: a snapshot interrupted by a crash is redone, never half-used.
    public func beginSnapshot() throws {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                for table in SourceTable.allCases { try transaction.drop(tables[table]) }
                try transaction.drop(changes)
                _ = try transaction.delete(MetaKey.checkpoint, in: meta)
                _ = try transaction.delete(MetaKey.changeCursor, in: meta)
                _ = try transaction.delete(MetaKey.changeValidFrom, in: meta)
                _ = try transaction.delete(MetaKey.changeEpoch, in: meta)
                _ = try transaction.delete(MetaKey.confirmed, in: meta)
            }
        }
    }

    /// Records that the feed is about to confirm `position` to PostgreSQL although no transaction of the store
    /// ends there (WAL with no published change, confirmed while idle so the slot does not hold it), and makes
    /// the record durable whatever ``durability`` says.
    ///
    /// With it, a slot whose confirmed position is past ``confirmedPosition()`` proves that the store lost commits
    /// (a gap), while an idle confirmation does not look like one.
    public func recordConfirmed(_ position: UInt64) throws {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                var writer = RowWriter()
                writer.write(position)
                try transaction.put(writer.bytes, forKey: MetaKey.confirmed, in: meta)
            }
            if durability != .full { try environment.sync(force: true) }
        }
    }

    /// The highest position the store has covered: its checkpoint, or a later one recorded by
    /// ``recordConfirmed(_:)``; `nil` for a store without a checkpoint.
    public func confirmedPosition() throws -> UInt64? {
        try storageErrors {
            try environment.withReadTransaction { transaction in
                guard let checkpoint = try readMeta(transaction).0 else { return nil }
                let recorded: UInt64? = try transaction.withValue(forKey: MetaKey.confirmed, in: meta) { bytes in
                    var reader = RowReader(bytes)
                    let value: UInt64 = try reader.read()
                    try reader.finish()
                    return value
                }
                return max(checkpoint.position, recorded ?? 0)
            }
        }
    }

    /// Writes a consistent copy of the store (as of one read transaction; writers go on meanwhile) into the
    /// directory at `path`, which must not hold a store yet.
    public func copy(to path: String) throws {
        try storageErrors { try environment.copy(to: path) }
    }

    /// Flushes every commit to disk (`mdb_env_sync`): what `durability` other than `full` leaves to the OS.
    public func sync() throws {
        try storageErrors { try environment.sync(force: true) }
    }

    /// Writes rows of an initial snapshot (upserts), without a checkpoint.
    ///
    /// - Parameter changes: Upserts of source rows.
    public func writeSnapshotRows(_ changes: [StockChange]) throws {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                var writer = RowWriter()
                for change in changes { try write(change, into: &transaction, writer: &writer) }
            }
        }
    }

    /// Commits an initial snapshot by writing its checkpoint (the slot's consistent point) and its empty change
    /// log (in a new epoch, so no cursor of an earlier store is read as one of this one).
    public func finishSnapshot(checkpoint: Checkpoint, changes: ChangeLogSlice) throws {
        try persist([], checkpoint: checkpoint, changes: changes)
    }

    /// Whether the store holds rows but no checkpoint: an initial snapshot that did not finish.
    public func hasIncompleteSnapshot() throws -> Bool {
        let info = try info()
        return info.checkpoint == nil && info.rowCounts.values.contains { $0 > 0 }
    }

    /// Loads the stored projection as a bulk load: the large tables (variants, quants, open moves) are filled
    /// straight from the cursors, in id order, and built once at their final size on a second thread
    /// (``ProjectionBulkLoader``) while this one loads the small tables and the kit rows through
    /// ``ProjectionState/load(_:)``. The state answers exactly as the one
    /// ``loadRowByRow(settings:)`` builds.
    ///
    /// - Parameter settings: The settings to compute figures with (they are configuration, not stored data).
    /// - Returns: The state at the stored checkpoint, ready for ``StockProjection/init(state:)``.
    /// - Throws: ``StoreError/corruptRow(_:)`` for a row that does not decode, or a storage error.
    public func load(settings: ProjectionSettings = ProjectionSettings()) throws -> ProjectionState {
        try storageErrors {
            try environment.withReadTransaction { transaction in
                var state = try loadStart(settings: settings, from: transaction)
                var loader = ProjectionBulkLoader(
                    variants: try transaction.count(in: tables[.variants]), quants: try transaction.count(in: tables[.quants]),
                    moves: try transaction.count(in: tables[.moves]))
                try loadRows(.units, from: transaction, into: &state) { .upsertUnit(try RowCodec.decodeUnit(id: $0, $1)) }
                try loadRows(.templates, from: transaction, into: &state) { .upsertTemplate(try RowCodec.decodeTemplate(id: $0, $1)) }
                try transaction.forEach(in: tables[.variants]) { key, value in
                    var reader = RowReader(value)
                    let template: Int32 = try reader.read()
                    let sku = try reader.readOptionalStringBytes()
                    let barcode = try reader.readOptionalStringBytes()
                    let active = try reader.readBool()
                    try reader.finish()
                    state.bulkLoadVariant(
                        id: VariantID(try RowKey.decode(key)), templateID: TemplateID(template), sku: sku, barcode: barcode, active: active,
                        into: &loader)
                    return .continue
                }
                try transaction.forEach(in: tables[.quants]) { key, value in
                    loader.addQuant(try RowCodec.decodeQuant(id: try RowKey.decode(key), value))
                    return .continue
                }
                try transaction.forEach(in: tables[.moves]) { key, value in
                    loader.addMove(try RowCodec.decodeMove(id: try RowKey.decode(key), value))
                    return .continue
                }
                // The indexes and the stock and move tables build on a second thread while this one loads the
                // kit rows (which need the variants' records, not their indexes).
                let build = loader.startBuilding()
                try loadSmallAndKitRows(from: transaction, into: &state)
                state.finishBulkLoad(build)
                return state
            }
        }
    }

    /// Loads the stored projection row by row through the replication apply path (``ProjectionState/load(_:)``):
    /// the reference that ``load(settings:)`` must match, kept for the tests and benchmarks that compare the two.
    ///
    /// - Parameter settings: The settings to compute figures with.
    /// - Returns: The state at the stored checkpoint.
    /// - Throws: ``StoreError/corruptRow(_:)`` for a row that does not decode, or a storage error.
    public func loadRowByRow(settings: ProjectionSettings = ProjectionSettings()) throws -> ProjectionState {
        try storageErrors {
            try environment.withReadTransaction { transaction in
                var state = try loadStart(settings: settings, from: transaction)
                try loadRows(.units, from: transaction, into: &state) { .upsertUnit(try RowCodec.decodeUnit(id: $0, $1)) }
                try loadRows(.templates, from: transaction, into: &state) { .upsertTemplate(try RowCodec.decodeTemplate(id: $0, $1)) }
                try loadRows(.variants, from: transaction, into: &state) { .upsertVariant(try RowCodec.decodeVariant(id: $0, $1)) }
                try loadSmallAndKitRows(from: transaction, into: &state)
                try loadRows(.quants, from: transaction, into: &state) { .upsertQuant(try RowCodec.decodeQuant(id: $0, $1)) }
                try loadRows(.moves, from: transaction, into: &state) { .upsertMove(try RowCodec.decodeMove(id: $0, $1)) }
                state.finishLoading()
                return state
            }
        }
    }

    /// An empty state at the stored checkpoint, with the stored change log.
    private func loadStart(settings: ProjectionSettings, from transaction: borrowing LMDBReadTransaction) throws -> ProjectionState {
        let (checkpoint, changeCursor) = try readMeta(transaction)
        var state = ProjectionState(settings: settings, checkpoint: checkpoint, changeCursor: changeCursor)
        let epoch: UInt16 = try readMetaValue(MetaKey.changeEpoch, transaction) ?? 0
        let validFrom: UInt64 = try readMetaValue(MetaKey.changeValidFrom, transaction) ?? changeCursor
        var stored: [StoredChange] = []
        try transaction.forEach(in: changes) { key, value in
            guard value.count == 8 else { throw StoreError.corruptRow("change log entry of \(value.count) bytes") }
            let variant = Int32(bigEndian: value.loadUnaligned(fromByteOffset: 0, as: Int32.self))
            let location = Int32(bigEndian: value.loadUnaligned(fromByteOffset: 4, as: Int32.self))
            stored.append(StoredChange(position: Self.changePosition(key), variantID: VariantID(variant), locationID: LocationID(location)))
            return .continue
        }
        state.restoreChangeLog(stored, validFrom: validFrom, nextPosition: changeCursor, epoch: epoch)
        return state
    }

    /// Locations, warehouses and the kit rows (attribute values and their links, BoMs, BoM lines), row by row:
    /// few rows, and the kit source's own representation.
    private func loadSmallAndKitRows(from transaction: borrowing LMDBReadTransaction, into state: inout ProjectionState) throws {
        try loadRows(.locations, from: transaction, into: &state) { .upsertLocation(try RowCodec.decodeLocation(id: $0, $1)) }
        try loadRows(.warehouses, from: transaction, into: &state) { .upsertWarehouse(try RowCodec.decodeWarehouse(id: $0, $1)) }
        try loadRows(.attributeValues, from: transaction, into: &state) { id, bytes in
            var reader = RowReader(bytes)
            let attribute: Int32 = try reader.read()
            try reader.finish()
            return .upsertAttributeValue(TemplateAttributeValue(id: AttributeValueID(id), attributeID: AttributeID(attribute)))
        }
        try loadLinks(.variantValues, from: transaction, into: &state) {
            .linkVariantValue(VariantValueLink(ownerID: VariantID($0), valueID: AttributeValueID($1)))
        }
        try loadLinks(.bomLineValues, from: transaction, into: &state) {
            .linkBoMLineValue(BoMLineValueLink(ownerID: BoMLineID($0), valueID: AttributeValueID($1)))
        }
        try loadRows(.boms, from: transaction, into: &state) { .upsertBoM(try RowCodec.decodeBoM(id: $0, $1)) }
        try loadRows(.bomLines, from: transaction, into: &state) { .upsertBoMLine(try RowCodec.decodeBoMLine(id: $0, $1)) }
    }

    private func loadRows(
        _ table: SourceTable,
        from transaction: borrowing LMDBReadTransaction,
        into state: inout ProjectionState,
        decode: (Int32, UnsafeRawBufferPointer) throws -> StockChange
    ) throws {
        try transaction.forEach(in: tables[table]) { key, value in
            state.load(try decode(try RowKey.decode(key), value))
            return .continue
        }
    }

    private func loadLinks(
        _ table: SourceTable,
        from transaction: borrowing LMDBReadTransaction,
        into state: inout ProjectionState,
        link: (Int32, Int32) -> StockChange
    ) throws {
        try transaction.forEach(in: tables[table]) { key, _ in
            let (owner, value) = try RowKey.decodePair(key)
            state.load(link(owner, value))
            return .continue
        }
    }

    /// The checkpoint, counts and sizes of the store.
    public func info() throws -> StoreInfo {
        try storageErrors {
            try environment.withReadTransaction { transaction in
                let (checkpoint, changeCursor) = try readMeta(transaction)
                var counts: [SourceTable: Int] = [:]
                for table in SourceTable.allCases { counts[table] = try transaction.count(in: tables[table]) }
                return StoreInfo(
                    path: path,
                    formatVersion: Self.formatVersion,
                    checkpoint: checkpoint,
                    changeCursor: changeCursor,
                    rowCounts: counts,
                    fileSize: try environment.dataFileSize,
                    mapSize: environment.mapSize
                )
            }
        }
    }

    func readMeta(_ transaction: borrowing LMDBReadTransaction) throws -> (Checkpoint?, UInt64) {
        let checkpoint: Checkpoint? = try transaction.withValue(forKey: MetaKey.checkpoint, in: meta) { bytes in
            var reader = RowReader(bytes)
            let position: UInt64 = try reader.read()
            let time = try reader.readOptional(Int64.self)
            try reader.finish()
            return Checkpoint(position: position, commitTime: time)
        }
        let cursor: UInt64 =
            try transaction.withValue(forKey: MetaKey.changeCursor, in: meta) { bytes in
                var reader = RowReader(bytes)
                let value: UInt64 = try reader.read()
                try reader.finish()
                return value
            } ?? 0
        return (checkpoint, cursor)
    }

    func readMetaValue<T: FixedWidthInteger>(_ key: [UInt8], _ transaction: borrowing LMDBReadTransaction) throws -> T? {
        try transaction.withValue(forKey: key, in: meta) { bytes in
            var reader = RowReader(bytes)
            let value: T = try reader.read()
            try reader.finish()
            return value
        }
    }

    private static func encode(_ checkpoint: Checkpoint, into writer: inout RowWriter) {
        writer.write(checkpoint.position)
        writer.write(checkpoint.commitTime)
    }

    func storageErrors<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as LMDBError {
            throw StoreError.storage(StoreFilesystem.describe(error, at: path))
        }
    }
}
