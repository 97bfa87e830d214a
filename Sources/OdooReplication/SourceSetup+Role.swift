import LibPQ

/// The role's rights: what it lacks, what it has too much of, and the dedicated role to use instead.
extension SourceSetup {
    /// Checks `USAGE` on schema `public` and `SELECT` on each table; asks the DBA for what is missing.
    func checkReadRights(connection: PostgresConnection, user: String, tables: [String], report: inout Report) throws {
        let usage = try connection.execute("SELECT has_schema_privilege(current_user, 'public', 'USAGE') AS g").value("g")
        if usage != "t" {
            report.lines.append("missing: USAGE on schema public")
            report.sqlForDBA.append("GRANT USAGE ON SCHEMA public TO \(connection.identifier(user));")
        }
        var unreadable: [String] = []
        for table in tables {
            let granted = try connection.execute("SELECT has_table_privilege(current_user, \(connection.literal("public." + table)), 'SELECT') AS g")
                .value("g")
            if granted != "t" { unreadable.append(table) }
        }
        if unreadable.isEmpty {
            report.lines.append("ok: \(user) may read \(tables.count) tables")
        } else {
            report.lines.append("missing: SELECT on \(unreadable.joined(separator: ", "))")
            report.sqlForDBA.append("GRANT SELECT ON \(Self.qualified(unreadable)) TO \(connection.identifier(user));")
        }
    }

    /// Warns when the role is a superuser, or owns Odoo's tables (or may act as their owner): stockd then could
    /// change or drop what it only needs to read.
    func warnAboutExcessRights(connection: PostgresConnection, user: String, isSuperuser: Bool, tables: [String], report: inout Report) throws {
        var warnings: [String] = []
        if isSuperuser {
            warnings.append("role \(user) is a superuser: stockd needs only LOGIN, REPLICATION and SELECT on its tables; connect as a dedicated role")
        } else if !tables.isEmpty {
            let names = tables.map { connection.literal($0) }.joined(separator: ", ")
            let owned = try connection.execute(
                """
                SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relname IN (\(names)) AND pg_has_role(current_user, c.relowner, 'MEMBER')
                """
            ).rows
            let ownedTables = tables.filter { table in owned.contains { $0[0] == table } }
            if !ownedTables.isEmpty {
                let owners = Set(owned.compactMap { $0[1] }).sorted()
                let how = owners == [user] ? "owns" : "is a member of \(owners.joined(separator: ", ")), which owns"
                warnings.append(
                    "role \(user) \(how) Odoo's tables (\(ownedTables.joined(separator: ", "))): it may change and drop them, stockd needs only SELECT; connect as a dedicated role"
                )
            }
        }
        report.warnings += warnings
        report.lines += warnings.map { "warning: " + $0 }
    }

    /// The SQL that creates a dedicated role with exactly the rights stockd needs (for a superuser to run).
    func dedicatedRoleSQL(connection: PostgresConnection, database: String, tables: [String]) -> [String] {
        let role = connection.identifier(proposedRole)
        var statements = [
            "CREATE ROLE \(role) LOGIN REPLICATION PASSWORD 'change-me';",
            "GRANT CONNECT ON DATABASE \(connection.identifier(database)) TO \(role);",
            "GRANT USAGE ON SCHEMA public TO \(role);",
        ]
        if !tables.isEmpty { statements.append("GRANT SELECT ON \(Self.qualified(tables)) TO \(role);") }
        return statements
    }
}
