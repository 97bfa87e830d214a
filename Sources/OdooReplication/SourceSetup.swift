import LibPQ

/// Checks that an Odoo database can feed stockd and creates what is missing: `stockd setup`.
///
/// It verifies `wal_level = logical`, the role's `REPLICATION` attribute and `SELECT` rights, creates (or
/// completes) the publication, and checks that the publication and the tables' replica identity deliver every
/// change stockd needs. Running it again changes nothing, and two setups may run at once (two `stockd setup`, or
/// deployments that start together): the one that loses the race to create the publication checks again. What
/// the role may not do itself is returned as the exact SQL a DBA must run, and the report always proposes a
/// dedicated least-privilege role.
public struct SourceSetup: Sendable {
    /// What setup found and did.
    public struct Report: Sendable {
        /// Lines describing each check, for the operator.
        public var lines: [String] = []
        /// SQL a DBA must run (as a superuser or the tables' owner) before stockd can start; empty when ready.
        public var sqlForDBA: [String] = []
        /// Things that work but should not be so, such as running as a superuser or as the owner of Odoo's
        /// tables (stockd then has far more rights than it needs); they do not make setup fail.
        public var warnings: [String] = []
        /// SQL that creates a dedicated least-privilege role for stockd, for a superuser to run: `LOGIN
        /// REPLICATION` with a placeholder password, `USAGE` on schema `public` and `SELECT` on exactly the
        /// tables stockd publishes.
        public var dedicatedRoleSQL: [String] = []
        /// Tables in the publication.
        public var publishedTables: [String] = []
        /// Whether the source is ready for `stockd serve`.
        public var ready: Bool { sqlForDBA.isEmpty && !blocked }
        /// A problem no SQL of stockd's can solve (e.g. a missing Odoo table).
        public var blocked = false
        /// Every `stockd%` replication slot on the server, with its activity and the WAL it retains.
        public var slots: [SlotUsage] = []
    }

    /// The connection string of Odoo's database.
    public var dsn: String
    /// The publication's name.
    public var publication: String
    /// The name of the dedicated role the report proposes.
    public var proposedRole: String

    /// Creates a setup.
    ///
    /// - Parameters:
    ///   - dsn: The connection string of Odoo's database.
    ///   - publication: The publication's name (`source.publication`).
    ///   - proposedRole: The name of the dedicated role the report proposes; `stockd` unless given.
    public init(dsn: String, publication: String, proposedRole: String = "stockd") {
        self.dsn = dsn
        self.publication = publication
        self.proposedRole = proposedRole
    }

    /// Runs every check and creates (or completes) the publication when the role may.
    ///
    /// - Returns: What was found, the SQL a DBA must run, warnings, and the proposed dedicated role.
    /// - Throws: ``PostgresError`` when the database cannot be reached or a check's query fails.
    public func run() throws -> Report {
        let connection = try PostgresConnection(conninfo: dsn)
        var report = Report()
        let session = try connection.execute("SELECT current_user AS u, current_database() AS d")
        let user = session.value("u") ?? "?"
        let database = session.value("d") ?? "?"
        report.lines.append(
            "connected to database \(database) as \(user) (server \(connection.serverVersion / 10000).\(connection.serverVersion % 100))")

        let walLevel = try connection.execute("SHOW wal_level").rows.first?.first ?? nil
        if walLevel == "logical" {
            report.lines.append("ok: wal_level = logical")
        } else {
            report.lines.append("missing: wal_level is \(walLevel ?? "unknown"), logical replication needs 'logical'")
            report.sqlForDBA.append("ALTER SYSTEM SET wal_level = logical;  -- then restart PostgreSQL")
        }

        let role = try connection.execute("SELECT rolreplication, rolsuper FROM pg_roles WHERE rolname = current_user")
        let isSuperuser = role.value("rolsuper") == "t"
        if role.value("rolreplication") == "t" || isSuperuser {
            report.lines.append("ok: role \(user) may start replication")
        } else {
            report.lines.append("missing: role \(user) lacks the REPLICATION attribute")
            report.sqlForDBA.append("ALTER ROLE \(connection.identifier(user)) WITH REPLICATION;")
        }

        let tables = try existingTables(connection: connection, report: &report)
        try checkReadRights(connection: connection, user: user, tables: tables, report: &report)
        try warnAboutExcessRights(connection: connection, user: user, isSuperuser: isSuperuser, tables: tables, report: &report)
        report.dedicatedRoleSQL = dedicatedRoleSQL(connection: connection, database: database, tables: tables)

        try ensurePublication(connection: connection, tables: tables, report: &report)
        try checkPublication(connection: connection, tables: tables, report: &report)
        try checkReplicaIdentity(connection: connection, tables: tables, report: &report)
        try listSlots(connection: connection, report: &report)
        return report
    }

    /// The SQL list of `public.`-qualified table names.
    static func qualified(_ tables: [String]) -> String {
        tables.map { "public." + $0 }.joined(separator: ", ")
    }

    /// The tables of stockd's that exist, in publishing order; blocks the report when a required one is absent.
    private func existingTables(connection: PostgresConnection, report: inout Report) throws -> [String] {
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
        let absentOptional = OdooTables.optional.filter { !existing.contains($0) }
        if !absentOptional.isEmpty {
            report.lines.append("note: \(absentOptional.joined(separator: ", ")) absent (mrp not installed): kits will not be expanded")
        }
        return (OdooTables.required + OdooTables.optional).filter { existing.contains($0) }
    }
}
