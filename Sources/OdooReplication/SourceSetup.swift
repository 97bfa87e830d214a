public import LibPQ

/// Checks that an Odoo database can feed stockd and creates what is missing: `stockd setup`.
///
/// It verifies `wal_level = logical`, the role's `REPLICATION` attribute and `SELECT` rights, and creates (or
/// completes) the publication. Running it again changes nothing. What the role may not do itself is returned
/// as the exact SQL a DBA must run. Two setups may run at once: the one that loses the race to create the
/// publication (or to add a table to it) reads it again.
public struct SourceSetup {
    /// What setup found and did.
    public struct Report: Sendable {
        /// Lines describing each check, for the operator.
        public var lines: [String] = []
        /// SQL a DBA must run (as a superuser or the tables' owner) before stockd can start; empty when ready.
        public var sqlForDBA: [String] = []
        /// Tables in the publication.
        public var publishedTables: [String] = []
        /// Whether the source is ready for `stockd serve`.
        public var ready: Bool { sqlForDBA.isEmpty && !blocked }
        /// A problem no SQL of stockd's can solve (e.g. a missing Odoo table).
        public var blocked = false
    }

    /// The connection string of Odoo's database.
    public var dsn: String
    /// The publication's name.
    public var publication: String

    /// Creates a setup.
    public init(dsn: String, publication: String) {
        self.dsn = dsn
        self.publication = publication
    }

    /// Runs every check and creates the publication when the role may.
    ///
    /// - Throws: ``PostgresError`` when the database cannot be reached.
    public func run() throws -> Report {
        let connection = try PostgresConnection(conninfo: dsn)
        var report = Report()
        let user = try connection.execute("SELECT current_user AS u, current_database() AS d").value("u") ?? "?"
        let database = try connection.execute("SELECT current_database() AS d").value("d") ?? "?"
        report.lines.append("connected to database \(database) as \(user) (server \(connection.serverVersion / 10000).\(connection.serverVersion % 100))")

        let walLevel = try connection.execute("SHOW wal_level").rows.first?.first ?? nil
        if walLevel == "logical" {
            report.lines.append("ok: wal_level = logical")
        } else {
            report.lines.append("missing: wal_level is \(walLevel ?? "unknown"), logical replication needs 'logical'")
            report.sqlForDBA.append("ALTER SYSTEM SET wal_level = logical;  -- then restart PostgreSQL")
        }

        let role = try connection.execute("SELECT rolreplication, rolsuper FROM pg_roles WHERE rolname = current_user")
        let canReplicate = role.value("rolreplication") == "t" || role.value("rolsuper") == "t"
        if canReplicate {
            report.lines.append("ok: role \(user) may start replication")
        } else {
            report.lines.append("missing: role \(user) lacks the REPLICATION attribute")
            report.sqlForDBA.append("ALTER ROLE \(connection.identifier(user)) WITH REPLICATION;")
        }

        let names = (OdooTables.required + OdooTables.optional).map { connection.literal($0) }.joined(separator: ", ")
        let existing = Set(
            try connection.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname IN (\(names))"
            ).rows.compactMap { $0[0] }
        )
        let missingRequired = OdooTables.required.filter { !existing.contains($0) }
        if !missingRequired.isEmpty {
            report.blocked = true
            report.lines.append("blocked: this database lacks \(missingRequired.joined(separator: ", ")); is the Odoo stock module installed?")
        }
        let tables = (OdooTables.required + OdooTables.optional).filter { existing.contains($0) }
        let absentOptional = OdooTables.optional.filter { !existing.contains($0) }
        if !absentOptional.isEmpty { report.lines.append("note: \(absentOptional.joined(separator: ", ")) absent (mrp not installed): kits will not be expanded") }

        var unreadable: [String] = []
        for table in tables {
            let granted = try connection.execute("SELECT has_table_privilege(current_user, \(connection.literal("public." + table)), 'SELECT') AS g").value("g")
            if granted != "t" { unreadable.append(table) }
        }
        let tableList = tables.map { "public." + $0 }.joined(separator: ", ")
        if unreadable.isEmpty {
            report.lines.append("ok: \(user) may read \(tables.count) tables")
        } else {
            report.lines.append("missing: SELECT on \(unreadable.joined(separator: ", "))")
            report.sqlForDBA.append("GRANT SELECT ON \(unreadable.map { "public." + $0 }.joined(separator: ", ")) TO \(connection.identifier(user));")
        }

        try ensurePublication(connection: connection, tables: tables, tableList: tableList, report: &report)
        return report
    }

    /// How often a statement that lost a race with another setup is re-planned; each loss means the other setup
    /// moved the publication forward, so two or three suffice.
    static let publicationAttempts = 5

    /// Whether an error means another session created the publication or added the table first: `42710`
    /// (duplicate object: "already exists", "already member of publication") or `23505` (the catalog's unique
    /// index, when both inserted the same publication name at once).
    static func lostRace(_ error: PostgresError) -> Bool {
        error.sqlState == "42710" || error.sqlState == "23505"
    }

    /// Creates the publication, or adds the missing tables to it, when the role may; otherwise asks the DBA.
    ///
    /// Safe when setups run at once: a statement that loses the race is not an error, the state is read again.
    private func ensurePublication(connection: PostgresConnection, tables: [String], tableList: String, report: inout Report) throws {
        guard !tables.isEmpty else { return }
        let name = connection.identifier(publication)
        for attempt in 1...Self.publicationAttempts {
            let exists = try connection.execute("SELECT 1 FROM pg_publication WHERE pubname = \(connection.literal(publication))").rows.count == 1
            let statement: String
            if exists {
                let published = Set(
                    try connection.execute("SELECT tablename FROM pg_publication_tables WHERE pubname = \(connection.literal(publication)) AND schemaname = 'public'").rows.compactMap { $0[0] }
                )
                let missing = tables.filter { !published.contains($0) }
                if missing.isEmpty {
                    report.lines.append("ok: publication \(publication) covers \(tables.count) tables")
                    report.publishedTables = tables
                    return
                }
                statement = "ALTER PUBLICATION \(name) ADD TABLE \(missing.map { "public." + $0 }.joined(separator: ", "));"
            } else {
                statement = "CREATE PUBLICATION \(name) FOR TABLE \(tableList);"
            }
            do {
                try connection.execute(statement)
                report.lines.append("created: \(statement)")
                report.publishedTables = tables
                return
            } catch let error as PostgresError where error.sqlState == "42501" {
                report.lines.append("missing: publication \(publication) (\(error.message)); creating it needs the tables' owner")
                report.sqlForDBA.append(statement + "  -- run as the Odoo database owner")
                return
            } catch let error as PostgresError where Self.lostRace(error) && attempt < Self.publicationAttempts {
                report.lines.append("note: another session changed publication \(publication) at the same time (\(error.message)); checking again")
            }
        }
    }
}
