public import LibPQ
public import PostgresReplicationWire

/// A logical replication slot on the source (pgoutput).
public struct ReplicationSlot: Sendable {
    /// The slot's name.
    public var name: String

    /// Creates a slot handle.
    public init(name: String) { self.name = name }

    /// What `CREATE_REPLICATION_SLOT ... EXPORT_SNAPSHOT` returned.
    public struct Created: Sendable {
        /// The LSN from which the slot streams changes: the snapshot shows everything before it.
        public var consistentPoint: LSN
        /// The exported snapshot's name, valid while the creating connection stays open and idle.
        public var snapshotName: String
    }

    /// What `pg_replication_slots` says about the slot.
    public struct Status: Sendable, Equatable {
        /// Whether a connection is streaming from it now.
        public var active: Bool
        /// The process id of the server process streaming from it, while ``active``.
        public var activePID: Int32?
        /// `wal_status`: `reserved`, `extended`, `unreserved` or `lost` (lost means the slot is invalidated).
        public var walStatus: String?
        /// The last position the client confirmed.
        public var confirmedFlush: LSN?
        /// Bytes of WAL the slot holds back from recycling.
        public var retainedBytes: Int64?
    }

    /// Creates the slot on a replication connection and exports a snapshot.
    ///
    /// - Parameter connection: A connection opened with `replication: true`; keep it open and idle until the
    ///   snapshot has been read.
    /// - Throws: ``PostgresError`` (SQLSTATE `42710` when the slot exists already).
    public func create(on connection: PostgresConnection) throws -> Created {
        let result = try connection.execute("CREATE_REPLICATION_SLOT \(connection.identifier(name)) LOGICAL pgoutput EXPORT_SNAPSHOT")
        guard let point = result.value("consistent_point").flatMap(LSN.init), let snapshot = result.value("snapshot_name") else {
            throw PostgresError(kind: .unexpectedResult, message: "CREATE_REPLICATION_SLOT returned no consistent point or snapshot")
        }
        return Created(consistentPoint: point, snapshotName: snapshot)
    }

    /// Creates the slot on a replication connection without exporting a snapshot (`stockd clone`: the data comes
    /// from a peer's store, not from a snapshot of the source).
    ///
    /// - Parameter connection: A connection opened with `replication: true`.
    /// - Returns: The slot's consistent point: it streams every transaction that commits after it.
    /// - Throws: ``PostgresError`` (SQLSTATE `42710` when the slot exists already).
    public func createWithoutSnapshot(on connection: PostgresConnection) throws -> LSN {
        let result = try connection.execute("CREATE_REPLICATION_SLOT \(connection.identifier(name)) LOGICAL pgoutput NOEXPORT_SNAPSHOT")
        guard let point = result.value("consistent_point").flatMap(LSN.init) else {
            throw PostgresError(kind: .unexpectedResult, message: "CREATE_REPLICATION_SLOT returned no consistent point")
        }
        return point
    }

    /// Drops the slot if it exists, so PostgreSQL stops keeping WAL for it.
    public func drop(on connection: PostgresConnection) throws {
        try connection.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = \(connection.literal(name))")
    }

    /// The slot's state, or `nil` when it does not exist.
    public func status(on connection: PostgresConnection) throws -> Status? {
        let result = try connection.execute(
            """
            SELECT active, active_pid, wal_status, confirmed_flush_lsn::text AS confirmed,
                   (pg_current_wal_lsn() - restart_lsn)::bigint AS retained
            FROM pg_replication_slots WHERE slot_name = \(connection.literal(name)) AND database = current_database()
            """
        )
        guard !result.rows.isEmpty else { return nil }
        return Status(
            active: result.value("active") == "t",
            activePID: result.value("active_pid").flatMap { Int32($0) },
            walStatus: result.value("wal_status"),
            confirmedFlush: result.value("confirmed").flatMap(LSN.init),
            retainedBytes: result.value("retained").flatMap { Int64($0) }
        )
    }
}
