import LibPQ
import OdooIngest

/// Replica identity: what an `UPDATE` or `DELETE` carries of the old row.
extension SourceSetup {
    /// Checks that each table's replica identity carries the key stockd maps a `DELETE` by (the `id`, or both ids
    /// of a many-to-many row): `REPLICA IDENTITY NOTHING`, or a default one without a primary key, would not.
    func checkReplicaIdentity(connection: PostgresConnection, tables: [String], report: inout Report) throws {
        guard !tables.isEmpty else { return }
        let names = tables.map { connection.literal($0) }.joined(separator: ", ")
        func indexColumns(_ condition: String) -> String {
            """
            (SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
              WHERE i.indrelid = c.oid AND \(condition))
            """
        }
        let rows = try connection.execute(
            """
            SELECT c.relname, c.relreplident, \(indexColumns("i.indisprimary")) AS primary_key, \(indexColumns("i.indisreplident")) AS identity_index
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relname IN (\(names))
            """
        ).rows
        var healthy = true
        for table in tables {
            guard let row = rows.first(where: { $0[0] == table }), let source = OdooTables.sourceTable(table) else { continue }
            let key = OdooTableMapper.keyColumns(of: source)
            let primaryKey = Set((row[2] ?? "").split(separator: ",").map(String.init))
            // The columns an old row carries (nil: all of them), and how to name the setting.
            let (identity, described): (Set<String>?, String) =
                switch row[1] {
                case "f": (nil, "FULL")
                case "d": (primaryKey, primaryKey.isEmpty ? "DEFAULT without a primary key" : "DEFAULT")
                case "i": (Set((row[3] ?? "").split(separator: ",").map(String.init)), "USING INDEX")
                default: ([], "NOTHING")
                }
            guard let identity, !key.allSatisfy(identity.contains) else { continue }
            healthy = false
            report.lines.append(
                "problem: public.\(table) has REPLICA IDENTITY \(described): a DELETE would not carry \(key.joined(separator: ", ")), and stockd could not tell which row went"
            )
            let fix = key.allSatisfy(primaryKey.contains) ? "DEFAULT" : "FULL"
            report.sqlForDBA.append("ALTER TABLE public.\(table) REPLICA IDENTITY \(fix);  -- run as the table's owner")
        }
        if healthy { report.lines.append("ok: every table's deletes carry the row's key (replica identity)") }
    }
}
