public import LibPQ

/// Slot hygiene: every stockd slot on the server, whether it is in use and how much WAL it holds back.
extension SourceSetup {
    /// One `stockd%` replication slot as `stockd setup` lists it.
    public struct SlotUsage: Sendable, Equatable {
        /// The slot's name.
        public var name: String
        /// The database the slot decodes.
        public var database: String?
        /// Whether a connection streams from it now.
        public var active: Bool
        /// Bytes of WAL PostgreSQL keeps for it: `pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)`.
        public var retainedBytes: Int64?
        /// `wal_status` (`reserved`, `extended`, `unreserved`, `lost`).
        public var walStatus: String?
    }

    /// Every logical slot of this database whose name starts with `stockd`, by name.
    ///
    /// - Throws: ``PostgresError`` when the query fails.
    public static func stockdSlots(connection: PostgresConnection) throws -> [SlotUsage] {
        try connection.execute(
            """
            SELECT slot_name, database, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS retained, wal_status
              FROM pg_replication_slots
             WHERE slot_type = 'logical' AND slot_name LIKE 'stockd%' AND database = current_database() ORDER BY slot_name
            """
        ).rows.compactMap { row in
            guard let name = row[0] else { return nil }
            return SlotUsage(
                name: name, database: row[1], active: row[2] == "t", retainedBytes: row[3].flatMap { Int64($0) }, walStatus: row[4])
        }
    }

    /// Lists every stockd slot in the report, and warns about the inactive ones: an abandoned instance's slot
    /// makes PostgreSQL keep WAL until the disk fills.
    func listSlots(connection: PostgresConnection, report: inout Report) throws {
        let slots = try Self.stockdSlots(connection: connection)
        report.slots = slots
        if slots.isEmpty {
            report.lines.append("slots: none yet (each instance creates its own, stockd_<instance.name>, when it first serves)")
            return
        }
        report.lines.append("slots: \(slots.count) stockd slot(s) on this database")
        for slot in slots {
            let held = slot.retainedBytes.map(Self.bytesText) ?? "unknown"
            let state = slot.active ? "active" : "inactive"
            report.lines.append(
                "  \(slot.name): \(state), retains \(held) of WAL, wal_status \(slot.walStatus ?? "-"), database \(slot.database ?? "-")")
            if !slot.active {
                let warning =
                    "slot \(slot.name) is inactive and holds \(held) of WAL: if its instance is gone, run "
                    + "`stockd decommission --slot \(slot.name)` (PostgreSQL keeps WAL for it until the disk fills)"
                report.warnings.append(warning)
                report.lines.append("warning: " + warning)
            }
        }
    }

    /// A byte count for people: `12.3 MiB`.
    public static func bytesText(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        return "\((value * 10).rounded() / 10) \(units[unit]) (\(bytes) bytes)"
    }
}
