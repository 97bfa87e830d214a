import Dispatch
import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import StockCatalogue
import Synchronization
import Testing

/// `stockd setup` against a real PostgreSQL: what it asks a DBA for, the publication it accepts, and two setups at once.
@Suite(.enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct SetupTests {
    /// Every table stockd publishes when the mrp module is installed (all of them exist in the fixture schema).
    static let allTables = (OdooTables.required + OdooTables.optional).map { "public." + $0 }

    static func prepare() throws -> TestDatabase {
        try ReplicationFeedTests.prepare(.v16, catalogue: OdooCatalogue(shape: CatalogueShape(variants: 10, seed: 1)))
    }

    /// Runs what setup asks a DBA to run, as the superuser, without the trailing `-- ...` advice.
    static func runAsDBA(_ statements: [String], in database: TestDatabase) throws {
        let connection = try database.connect()
        for statement in statements {
            try connection.execute(statement.components(separatedBy: "  --")[0])
        }
    }

    /// A login role that exists for one test; dropped (with its grants and objects in `database`) afterwards.
    final class TemporaryRole {
        let role: String
        let database: TestDatabase

        /// Creates a role with a fresh name (roles are cluster-wide, tests run in parallel).
        init(in database: TestDatabase, attributes: String = "LOGIN") throws {
            self.database = database
            role = "stockd_t_\(UInt32.random(in: 0...UInt32.max))"
            try database.admin.execute("CREATE ROLE \(role) \(attributes)")
        }

        /// Takes charge of a role the test creates itself.
        init(adopting role: String, in database: TestDatabase) {
            self.database = database
            self.role = role
        }

        var dsn: String { "host=127.0.0.1 port=\(database.port) user=\(role) dbname=\(database.name)" }

        deinit {
            guard let connection = try? database.connect() else { return }
            _ = try? connection.execute("REASSIGN OWNED BY \(role) TO postgres; DROP OWNED BY \(role)")
            _ = try? connection.execute("DROP ROLE IF EXISTS \(role)")
        }
    }

    /// A role without REPLICATION, SELECT or table ownership gets the exact SQL a DBA must run.
    @Test func setupTellsTheDBAWhatIsMissing() throws {
        let database = try Self.prepare()
        let role = try TemporaryRole(in: database)
        let first = try SourceSetup(dsn: role.dsn, publication: "stockd").run()
        #expect(!first.ready)
        #expect(first.sqlForDBA.contains { $0.hasPrefix("ALTER ROLE \"\(role.role)\" WITH REPLICATION") })
        #expect(first.sqlForDBA.contains { $0.hasPrefix("GRANT SELECT ON public.stock_quant") })
        #expect(first.sqlForDBA.contains { $0.hasPrefix("CREATE PUBLICATION") })
        // The DBA runs it; setup is then satisfied, and running it again changes nothing.
        try Self.runAsDBA(first.sqlForDBA, in: database)
        #expect(try SourceSetup(dsn: role.dsn, publication: "stockd").run().ready)
        #expect(try SourceSetup(dsn: role.dsn, publication: "stockd").run().ready)
    }

    // MARK: - The publication

    /// A publication (or table) that loses changes stockd needs, and the fix setup must propose.
    enum Flaw: String, CaseIterable, CustomTestStringConvertible {
        case insertsAndUpdatesOnly, noTruncate, rowFilter, columnListWithoutReservedQuantity, replicaIdentityNothing

        var testDescription: String { rawValue }

        func sql(tables: [String]) -> [String] {
            let others = tables.filter { $0 != "public.stock_quant" }.joined(separator: ", ")
            let all = tables.joined(separator: ", ")
            switch self {
            case .insertsAndUpdatesOnly: return ["CREATE PUBLICATION stockd FOR TABLE \(all) WITH (publish = 'insert, update')"]
            case .noTruncate: return ["CREATE PUBLICATION stockd FOR TABLE \(all) WITH (publish = 'insert, update, delete')"]
            case .rowFilter: return ["CREATE PUBLICATION stockd FOR TABLE \(others), public.stock_quant WHERE (id > 0)"]
            case .columnListWithoutReservedQuantity:
                return ["CREATE PUBLICATION stockd FOR TABLE \(others), public.stock_quant (id, product_id, location_id, quantity)"]
            case .replicaIdentityNothing:
                return ["CREATE PUBLICATION stockd FOR TABLE \(all)", "ALTER TABLE public.stock_quant REPLICA IDENTITY NOTHING"]
            }
        }

        /// The start of the statement that fixes it.
        var fix: String {
            switch self {
            case .insertsAndUpdatesOnly, .noTruncate: return "ALTER PUBLICATION \"stockd\" SET (publish = 'insert, update, delete, truncate')"
            case .rowFilter, .columnListWithoutReservedQuantity: return "ALTER PUBLICATION \"stockd\" SET TABLE public.stock_quant, "
            case .replicaIdentityNothing: return "ALTER TABLE public.stock_quant REPLICA IDENTITY DEFAULT"
            }
        }
    }

    @Test(arguments: Flaw.allCases)
    func aPublicationThatLosesChangesIsNotReady(flaw: Flaw) throws {
        let database = try Self.prepare()
        try Self.runAsDBA(flaw.sql(tables: Self.allTables), in: database)
        let report = try SourceSetup(dsn: database.dsn, publication: "stockd").run()
        #expect(!report.ready, "\(report.lines)")
        #expect(report.sqlForDBA.contains { $0.hasPrefix(flaw.fix) }, "\(report.sqlForDBA)")
        // The proposed fix is enough, and setup then stays satisfied.
        try Self.runAsDBA(report.sqlForDBA, in: database)
        let fixed = try SourceSetup(dsn: database.dsn, publication: "stockd").run()
        #expect(fixed.ready, "\(fixed.lines) \(fixed.sqlForDBA)")
        #expect(fixed.sqlForDBA.isEmpty)
    }

    /// Publications that differ from the one setup creates but lose nothing stockd needs.
    enum Harmless: String, CaseIterable, CustomTestStringConvertible {
        case forAllTables, columnListWithEveryColumnStockdReads, viaPartitionRoot

        var testDescription: String { rawValue }

        func sql(tables: [String]) -> String {
            let others = tables.filter { $0 != "public.stock_quant" }.joined(separator: ", ")
            switch self {
            case .forAllTables: return "CREATE PUBLICATION stockd FOR ALL TABLES"
            case .columnListWithEveryColumnStockdReads:
                return "CREATE PUBLICATION stockd FOR TABLE \(others), public.stock_quant (id, product_id, location_id, quantity, reserved_quantity)"
            case .viaPartitionRoot:
                return "CREATE PUBLICATION stockd FOR TABLE \(tables.joined(separator: ", ")) WITH (publish_via_partition_root = true)"
            }
        }
    }

    @Test(arguments: Harmless.allCases)
    func aPublicationThatKeepsEverythingStockdNeedsIsReady(publication: Harmless) throws {
        let database = try Self.prepare()
        try Self.runAsDBA([publication.sql(tables: Self.allTables)], in: database)
        let report = try SourceSetup(dsn: database.dsn, publication: "stockd").run()
        #expect(report.ready, "\(report.lines) \(report.sqlForDBA)")
    }

    // MARK: - Two setups at once

    /// Results of work run on threads, collected under a lock.
    final class Outcomes: Sendable {
        let results = Mutex<[Result<SourceSetup.Report, any Error>]>([])
        func append(_ result: Result<SourceSetup.Report, any Error>) { results.withLock { $0.append(result) } }
        var all: [Result<SourceSetup.Report, any Error>] { results.withLock { $0 } }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `count` setups on their own threads, released together, and waits (at most `timeout` seconds) for all.
    ///
    /// - Parameter whileRunning: Runs on the calling thread once every setup thread has started.
    static func concurrentSetups(
        _ count: Int,
        dsn: String,
        timeout: Double = 60,
        whileRunning: () throws -> Void = {}
    ) throws -> [Result<SourceSetup.Report, any Error>] {
        let outcomes = Outcomes()
        let arrived = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<count {
            Thread {
                arrived.signal()
                _ = go.wait(timeout: .now() + timeout)
                outcomes.append(Result { try SourceSetup(dsn: dsn, publication: "stockd").run() })
                finished.signal()
            }.start()
        }
        for _ in 0..<count {
            guard arrived.wait(timeout: .now() + timeout) == .success else { throw TimedOut(description: "a setup thread did not start") }
        }
        for _ in 0..<count { go.signal() }
        try whileRunning()
        for _ in 0..<count {
            guard finished.wait(timeout: .now() + timeout) == .success else {
                throw TimedOut(description: "a setup did not finish within \(timeout) s")
            }
        }
        return outcomes.all
    }

    /// The tables a publication covers.
    static func published(in database: TestDatabase) throws -> Set<String> {
        Set(
            try database.connect().execute("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = 'stockd'")
                .rows.compactMap { $0[0] }
        )
    }

    /// Two setups started together on a fresh database (as two `stockd setup` or `stockd serve` would be) both
    /// succeed, whichever of them creates the publication.
    @Test func twoSetupsAtOnceBothSucceed() throws {
        for _ in 0..<20 {
            let database = try Self.prepare()
            let outcomes = try Self.concurrentSetups(2, dsn: database.dsn)
            #expect(outcomes.count == 2)
            for outcome in outcomes {
                let report = try outcome.get()
                #expect(report.ready, "\(report.lines) \(report.sqlForDBA)")
            }
            #expect(try Self.published(in: database) == Set(Self.allTables))
        }
    }

    /// What the racing setups both try to do.
    enum Race: String, CaseIterable, CustomTestStringConvertible {
        /// `CREATE PUBLICATION`: the loser fails on the catalog's unique index (23505) or with 42710.
        case createPublication
        /// `ALTER PUBLICATION ... ADD TABLE`: the loser finds the table already a member (42710).
        case addTable

        var testDescription: String { rawValue }
    }

    /// The race made certain: a lock on `uom_uom` holds both setups inside the same statement until both are
    /// waiting, then lets them go; the one that loses must check again and succeed.
    @Test(arguments: Race.allCases)
    func twoSetupsInTheSameStatementBothSucceed(race: Race) throws {
        let database = try Self.prepare()
        if race == .addTable {
            let partial = Self.allTables.filter { $0 != "public.uom_uom" }.joined(separator: ", ")
            try Self.runAsDBA(["CREATE PUBLICATION stockd FOR TABLE \(partial)"], in: database)
        }
        let locker = try database.connect()
        try locker.execute("BEGIN; LOCK TABLE public.uom_uom IN SHARE UPDATE EXCLUSIVE MODE")
        var released = false
        defer { if !released { _ = try? locker.execute("ROLLBACK") } }
        let watcher = try database.connect()
        let outcomes = try Self.concurrentSetups(2, dsn: database.dsn) {
            let deadline = Date().addingTimeInterval(20)
            var waiting = 0
            while waiting < 2 && Date() < deadline {
                waiting =
                    Int(
                        try watcher.execute(
                            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'stockd' AND wait_event_type = 'Lock'"
                        ).value("n") ?? "0"
                    ) ?? 0
                if waiting < 2 { usleep(20_000) }
            }
            #expect(waiting == 2, "both setups should be waiting inside the statement")
            try locker.execute("COMMIT")
            released = true
        }
        #expect(outcomes.count == 2)
        for outcome in outcomes {
            switch outcome {
            case .success(let report): #expect(report.ready, "\(report.lines) \(report.sqlForDBA)")
            case .failure(let error): Issue.record("a setup failed: \(error)")
            }
        }
        #expect(try Self.published(in: database) == Set(Self.allTables))
    }

    // MARK: - The role

    /// The role setup proposes has exactly the rights stockd needs: created as proposed, setup passes as it
    /// with nothing to warn about, and it may not write to Odoo's tables.
    @Test(arguments: [true, false])
    func theProposedRoleIsExactlyEnough(mrpInstalled: Bool) throws {
        let database = try Self.prepare()
        let mrp = ["mrp_bom_line_product_template_attribute_value_rel", "mrp_bom_line", "mrp_bom"]
        if !mrpInstalled { try Self.runAsDBA(["DROP TABLE \(mrp.joined(separator: ", ")) CASCADE"], in: database) }
        let expected = Self.allTables.filter { mrpInstalled || !mrp.contains(String($0.dropFirst("public.".count))) }
        let name = "stockd_d_\(UInt32.random(in: 0...UInt32.max))"
        let report = try SourceSetup(dsn: database.dsn, publication: "stockd", proposedRole: name).run()
        #expect(report.ready, "\(report.lines) \(report.sqlForDBA)")
        #expect(report.publishedTables.map { "public." + $0 } == expected)

        let sql = report.dedicatedRoleSQL
        #expect(sql.first == "CREATE ROLE \"\(name)\" LOGIN REPLICATION PASSWORD 'change-me';")
        #expect(sql.contains("GRANT USAGE ON SCHEMA public TO \"\(name)\";"))
        let selects = sql.filter { $0.hasPrefix("GRANT SELECT ON ") }
        #expect(selects == ["GRANT SELECT ON \(expected.joined(separator: ", ")) TO \"\(name)\";"])
        #expect(!sql.contains { $0.contains("ALL") || $0.contains("SUPERUSER") || $0.contains("INSERT") || $0.contains("OWNER") })

        let role = TemporaryRole(adopting: name, in: database)
        try Self.runAsDBA(sql, in: database)
        let asRole = try SourceSetup(dsn: role.dsn, publication: "stockd").run()
        #expect(asRole.ready, "\(asRole.lines) \(asRole.sqlForDBA)")
        #expect(asRole.warnings.isEmpty, "\(asRole.warnings)")
        #expect(!asRole.lines.contains { $0.hasPrefix("warning:") })
        let writes = try database.connect().execute(
            "SELECT bool_or(has_table_privilege('\(name)', t, 'INSERT, UPDATE, DELETE, TRUNCATE')) AS w FROM unnest(ARRAY[\(expected.map { "'\($0)'" }.joined(separator: ", "))]) t"
        )
        #expect(writes.value("w") == "f")
    }

    /// Connected as a superuser, as the owner of Odoo's tables, or as a member of the owner, setup works but warns.
    @Test func warnsWhenTheRoleHasFarMoreRightsThanStockdNeeds() throws {
        let database = try Self.prepare()
        let asSuperuser = try SourceSetup(dsn: database.dsn, publication: "stockd").run()
        #expect(asSuperuser.ready)
        #expect(asSuperuser.warnings.count == 1)
        #expect(asSuperuser.warnings.first?.hasPrefix("role postgres is a superuser") == true, "\(asSuperuser.warnings)")
        #expect(asSuperuser.lines.contains { $0.hasPrefix("warning: role postgres is a superuser") })

        let others = Self.allTables.filter { $0 != "public.stock_quant" }.joined(separator: ", ")
        let owner = try TemporaryRole(in: database, attributes: "LOGIN REPLICATION")
        try Self.runAsDBA(["ALTER TABLE public.stock_quant OWNER TO \(owner.role)", "GRANT SELECT ON \(others) TO \(owner.role)"], in: database)
        let asOwner = try SourceSetup(dsn: owner.dsn, publication: "stockd").run()
        #expect(asOwner.ready, "\(asOwner.lines) \(asOwner.sqlForDBA)")
        #expect(asOwner.warnings.count == 1)
        #expect(asOwner.warnings.first?.hasPrefix("role \(owner.role) owns Odoo's tables (stock_quant)") == true, "\(asOwner.warnings)")

        let member = try TemporaryRole(in: database, attributes: "LOGIN REPLICATION IN ROLE \(owner.role)")
        try Self.runAsDBA(["GRANT SELECT ON \(others) TO \(member.role)"], in: database)
        let asMember = try SourceSetup(dsn: member.dsn, publication: "stockd").run()
        #expect(asMember.ready, "\(asMember.lines) \(asMember.sqlForDBA)")
        #expect(
            asMember.warnings.first?.hasPrefix("role \(member.role) is a member of \(owner.role), which owns Odoo's tables (stock_quant)") == true,
            "\(asMember.warnings)")
    }

    // MARK: - The command

    /// Runs the `stockd` executable; gives up (and kills it) after `timeout` seconds.
    static func stockd(_ arguments: [String], timeout: Double = 60) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = CrashRecoveryTests.stockdExecutable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        guard exited.wait(timeout: .now() + timeout) == .success else {
            process.terminate()
            throw TimedOut(description: "stockd \(arguments.joined(separator: " ")) did not exit within \(timeout) s")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `stockd setup` prints the DBA's SQL and the dedicated role, and exits 1 until the source is ready; run as a
    /// superuser it says ready, warns, and still proposes the role.
    @Test func stockdSetupPrintsWhatToDoAndExitsOneUntilReady() throws {
        let database = try Self.prepare()
        let role = try TemporaryRole(in: database)
        let grant = "GRANT SELECT ON \(Self.allTables.joined(separator: ", ")) TO \"stockd\";"

        let limited = try Self.stockd(["setup", "--dsn", role.dsn])
        #expect(limited.status == 1, "\(limited.output)")
        #expect(limited.output.contains("A DBA must run"))
        #expect(limited.output.contains("  ALTER ROLE \"\(role.role)\" WITH REPLICATION;"))
        #expect(limited.output.contains("  CREATE ROLE \"stockd\" LOGIN REPLICATION PASSWORD 'change-me';"))
        #expect(limited.output.contains("  GRANT USAGE ON SCHEMA public TO \"stockd\";"))
        #expect(limited.output.contains("  " + grant))

        let superuser = try Self.stockd(["setup", "--dsn", database.dsn])
        #expect(superuser.status == 0, "\(superuser.output)")
        #expect(superuser.output.contains("warning: role postgres is a superuser"))
        #expect(superuser.output.contains("  " + grant))
        #expect(superuser.output.contains("ready: `stockd serve`"))
    }
}
