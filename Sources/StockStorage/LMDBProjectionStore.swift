import LMDB
public import StockProjection

/// The projection's durable copy in LMDB: the mirrored source rows, the checkpoint and the change-feed cursor,
/// always written together in one LMDB transaction.
///
/// Layout (format version 2): one named database per source table (`stock_quant`, `stock_location`, ...) keyed
/// by the row id (4 bytes, big-endian, sign bit flipped, so cursor order is id order), and a `meta` database
/// with `format_version`, `checkpoint` and `change_cursor`. Rows are encoded by `RowCodec`. The two
/// many-to-many tables (`product_variant_combination`, `mrp_bom_line_product_template_attribute_value_rel`) are
/// keyed by both ids (8 bytes) with an empty value. Version 2 added the manufacturing tables (kits); a version 1
/// store lacks them and is refused, so `stockd resync` rebuilds it rather than serving kits without BoMs.
public final class LMDBProjectionStore: ProjectionStore, Sendable {
    /// The format this build writes and reads.
    public static let formatVersion: UInt32 = 2

    private let environment: LMDBEnvironment
    private let meta: LMDBDatabase
    private let tables: SourceTableDatabases
    /// The directory of the store.
    public let path: String
    /// The map size the store was opened with.
    public let initialMapSize: Int
    /// How hard commits sync.
    public let durability: StoreDurability

    private enum MetaKey {
        static let formatVersion = Array("format_version".utf8)
        static let checkpoint = Array("checkpoint".utf8)
        static let changeCursor = Array("change_cursor".utf8)
    }

    /// Opens (or creates) a store.
    ///
    /// - Parameters:
    ///   - path: The directory; created if missing.
    ///   - initialMapSize: The initial LMDB map size in bytes; the map grows when it is full.
    ///   - durability: How hard commits sync.
    /// - Throws: ``StoreError/incompatibleFormat(found:supported:)`` for a store of another format version,
    ///   ``StoreError/notAStore(_:)`` for an LMDB environment that is not a stockd store, or a storage error.
    public init(path: String, initialMapSize: Int = 1 << 30, durability: StoreDurability = .full) throws {
        self.path = path
        self.initialMapSize = initialMapSize
        self.durability = durability
        let flags: LMDBEnvironment.Flags =
            switch durability {
            case .full: []
            case .noMetaSync: .noMetaSync
            case .noSync: .noSync
            }
        do {
            environment = try LMDBEnvironment(path: path, maxDatabases: 16, mapSize: initialMapSize, flags: flags)
            (meta, tables) = try environment.withWriteTransaction { transaction in
                let meta = try transaction.openDatabase(named: "meta", create: true)
                let tables = try SourceTableDatabases { table in try transaction.openDatabase(named: table.rawValue, create: true) }
                return (meta, tables)
            }
        } catch let error as LMDBError {
            throw StoreError.storage(error.description)
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

    public func persist(_ transactions: [SourceTransaction], checkpoint: Checkpoint, changeCursor: UInt64) throws {
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
                writer.reset()
                writer.write(changeCursor)
                try transaction.put(writer.bytes, forKey: MetaKey.changeCursor, in: meta)
            }
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
                _ = try transaction.delete(MetaKey.checkpoint, in: meta)
                _ = try transaction.delete(MetaKey.changeCursor, in: meta)
            }
        }
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

    /// Commits an initial snapshot by writing its checkpoint (the slot's consistent point).
    public func finishSnapshot(checkpoint: Checkpoint, changeCursor: UInt64) throws {
        try persist([], checkpoint: checkpoint, changeCursor: changeCursor)
    }

    /// Whether the store holds rows but no checkpoint: an initial snapshot that did not finish.
    public func hasIncompleteSnapshot() throws -> Bool {
        let info = try info()
        return info.checkpoint == nil && info.rowCounts.values.contains { $0 > 0 }
    }

    /// Loads the stored projection.
    ///
    /// - Parameter settings: The settings to compute figures with (they are configuration, not stored data).
    /// - Returns: The state at the stored checkpoint, ready for ``StockProjection/init(state:)``.
    /// - Throws: ``StoreError/corruptRow(_:)`` for a row that does not decode, or a storage error.
    public func load(settings: ProjectionSettings = ProjectionSettings()) throws -> ProjectionState {
        try storageErrors {
            try environment.withReadTransaction { transaction in
                let (checkpoint, changeCursor) = try readMeta(transaction)
                var state = ProjectionState(settings: settings, checkpoint: checkpoint, changeCursor: changeCursor)
                try loadRows(.units, from: transaction, into: &state) { .upsertUnit(try RowCodec.decodeUnit(id: $0, $1)) }
                try loadRows(.templates, from: transaction, into: &state) { .upsertTemplate(try RowCodec.decodeTemplate(id: $0, $1)) }
                try loadRows(.variants, from: transaction, into: &state) { .upsertVariant(try RowCodec.decodeVariant(id: $0, $1)) }
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
                try loadRows(.quants, from: transaction, into: &state) { .upsertQuant(try RowCodec.decodeQuant(id: $0, $1)) }
                state.finishLoading()
                return state
            }
        }
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

    private func readMeta(_ transaction: borrowing LMDBReadTransaction) throws -> (Checkpoint?, UInt64) {
        let checkpoint: Checkpoint? = try transaction.withValue(forKey: MetaKey.checkpoint, in: meta) { bytes in
            var reader = RowReader(bytes)
            let position: UInt64 = try reader.read()
            let time = try reader.readOptional(Int64.self)
            try reader.finish()
            return Checkpoint(position: position, commitTime: time)
        }
        let cursor: UInt64 = try transaction.withValue(forKey: MetaKey.changeCursor, in: meta) { bytes in
            var reader = RowReader(bytes)
            let value: UInt64 = try reader.read()
            try reader.finish()
            return value
        } ?? 0
        return (checkpoint, cursor)
    }

    private static func encode(_ checkpoint: Checkpoint, into writer: inout RowWriter) {
        writer.write(checkpoint.position)
        writer.write(checkpoint.commitTime)
    }

    private func storageErrors<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as LMDBError {
            throw StoreError.storage(error.description)
        }
    }
}
