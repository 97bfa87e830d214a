import Dispatch
import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import StockCatalogue
import Synchronization
import Testing

/// `stockd setup` against a real PostgreSQL: what it asks a DBA for, and two setups at once.
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
                waiting = Int(
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
}
