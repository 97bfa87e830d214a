import LibPQ
import OdooIngest

/// The publication: created or completed when the role may (safely when two setups race), then checked for
/// anything that would drop changes stockd needs.
extension SourceSetup {
    /// What the server says about the publication.
    struct PublicationState {
        /// `FOR ALL TABLES`.
        var allTables: Bool
        /// The kinds of change published, among `insert`, `update`, `delete` and `truncate`.
        var publishes: Set<String>
        /// The published tables of schema `public`, each with its published columns (PostgreSQL 15+; `nil` when
        /// the server cannot say) and its row filter, if any.
        var tables: [String: (columns: [String]?, rowFilter: String?)]

        /// Reads the publication, or returns `nil` when it does not exist.
        static func read(_ publication: String, connection: PostgresConnection) throws -> PublicationState? {
            let name = connection.literal(publication)
            let header = try connection.execute(
                "SELECT puballtables, pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = \(name)"
            )
            guard !header.rows.isEmpty else { return nil }
            let publishes = Set(["insert", "update", "delete", "truncate"].filter { header.value("pub" + $0) == "t" })
            // Row filters and column lists exist from PostgreSQL 15 on.
            let hasFilters = connection.serverVersion >= 150000
            let extra = hasFilters ? ", array_to_string(attnames, ',') AS columns, rowfilter" : ""
            let rows = try connection.execute(
                "SELECT tablename\(extra) FROM pg_publication_tables WHERE pubname = \(name) AND schemaname = 'public'"
            ).rows
            var tables: [String: (columns: [String]?, rowFilter: String?)] = [:]
            for row in rows {
                guard let table = row[0] else { continue }
                let columns = hasFilters ? (row[1] ?? "").split(separator: ",").map(String.init) : nil
                tables[table] = (columns, hasFilters ? row[2] : nil)
            }
            return PublicationState(allTables: header.value("puballtables") == "t", publishes: publishes, tables: tables)
        }
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
    func ensurePublication(connection: PostgresConnection, tables: [String], report: inout Report) throws {
        guard !tables.isEmpty else { return }
        let name = connection.identifier(publication)
        for attempt in 1...Self.publicationAttempts {
            let statement: String
            let shortfall: String
            if let state = try PublicationState.read(publication, connection: connection) {
                let missing = tables.filter { state.tables[$0] == nil }
                if missing.isEmpty {
                    report.lines.append("ok: publication \(publication) covers \(tables.count) tables")
                    report.publishedTables = tables
                    return
                }
                statement = "ALTER PUBLICATION \(name) ADD TABLE \(Self.qualified(missing));"
                shortfall = "publication \(publication) lacks \(missing.joined(separator: ", "))"
            } else {
                statement = "CREATE PUBLICATION \(name) FOR TABLE \(Self.qualified(tables));"
                shortfall = "publication \(publication)"
            }
            do {
                try connection.execute(statement)
                report.lines.append("created: \(statement)")
                report.publishedTables = tables
                return
            } catch let error as PostgresError where error.sqlState == "42501" {
                report.lines.append("missing: \(shortfall) (\(error.message)); creating or completing it needs the tables' owner")
                report.sqlForDBA.append(statement + "  -- run as the Odoo database owner")
                return
            } catch let error as PostgresError where Self.lostRace(error) && attempt < Self.publicationAttempts {
                report.lines.append("note: another session changed publication \(publication) at the same time (\(error.message)); checking again")
            }
        }
    }

    /// Checks that the publication sends every kind of change, and every row and column stockd reads.
    func checkPublication(connection: PostgresConnection, tables: [String], report: inout Report) throws {
        guard !tables.isEmpty, let state = try PublicationState.read(publication, connection: connection) else { return }
        let name = connection.identifier(publication)
        var healthy = true

        let kinds = ["insert", "update", "delete", "truncate"]
        let unpublished = kinds.filter { !state.publishes.contains($0) }
        if !unpublished.isEmpty {
            healthy = false
            report.lines.append(
                "problem: publication \(publication) does not publish \(unpublished.joined(separator: ", ")): stockd would miss those changes")
            report.sqlForDBA.append(
                "ALTER PUBLICATION \(name) SET (publish = 'insert, update, delete, truncate');  -- run as the publication's owner")
        }

        let columns = try tableColumns(connection: connection, tables: tables)
        var dropsData = false
        for table in tables {
            guard let published = state.tables[table] else { continue }
            if let filter = published.rowFilter {
                dropsData = true
                report.lines.append(
                    "problem: publication \(publication) filters the rows of public.\(table) (WHERE \(filter)): stockd would miss rows")
            }
            guard let publishedColumns = published.columns, let source = OdooTables.sourceTable(table) else { continue }
            let read = OdooTableMapper.columns(for: source)
            let omitted = (read.required + read.optional).filter { columns[table, default: []].contains($0) && !publishedColumns.contains($0) }
            if !omitted.isEmpty {
                dropsData = true
                report.lines.append(
                    "problem: publication \(publication) publishes a column list of public.\(table) without \(omitted.joined(separator: ", ")): stockd reads them"
                )
            }
        }
        if dropsData {
            healthy = false
            // `SET TABLE` adds the missing tables too: an `ADD TABLE` asked for above would only be noise.
            report.sqlForDBA.removeAll { $0.hasPrefix("ALTER PUBLICATION \(name) ADD TABLE ") }
            report.sqlForDBA.append(
                "ALTER PUBLICATION \(name) SET TABLE \(Self.qualified(tables));  -- run as the publication's owner: every table whole, no row filter, no column list"
            )
        }
        if healthy { report.lines.append("ok: publication \(publication) sends every insert, update, delete and truncate of them, whole") }
    }

    /// The columns each table has (for PostgreSQL 15+, where a publication may list columns).
    private func tableColumns(connection: PostgresConnection, tables: [String]) throws -> [String: Set<String>] {
        guard connection.serverVersion >= 150000 else { return [:] }
        let names = tables.map { connection.literal($0) }.joined(separator: ", ")
        var columns: [String: Set<String>] = [:]
        let rows = try connection.execute(
            """
            SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relname IN (\(names)) AND a.attnum > 0 AND NOT a.attisdropped
            """
        ).rows
        for row in rows {
            if let table = row[0], let column = row[1] { columns[table, default: []].insert(column) }
        }
        return columns
    }
}
