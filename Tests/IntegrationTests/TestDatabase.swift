import Foundation
import LibPQ
import TestSupport

/// A throwaway database in the test cluster that `scripts/pg-test.sh` started (`STOCKD_TEST_PGPORT`), dropped
/// (with its replication slots) when the test is done with it.
final class TestDatabase: @unchecked Sendable {
    // @unchecked: every stored property is a `let`. `admin` (one libpq connection, not for concurrent use) is used
    // only by the thread that runs the test; other threads (a background writer) call only `runScript`,
    // `connect` and `currentLSN`, which read `dsn` and `name` and open connections of their own.
    static var port: String? { ProcessInfo.processInfo.environment["STOCKD_TEST_PGPORT"] }
    /// Whether the PostgreSQL suites run: with a test cluster, and always under CI (`CI` set), where a missing
    /// cluster must fail the run rather than skip it silently.
    static var isAvailable: Bool { port != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    let name: String
    let port: String
    /// Replication slot names are cluster-wide: each test database gets its own.
    var slot: String { name }
    let dsn: String
    let admin: PostgresConnection

    init(prefix: String = "stockd_it", port: String? = nil) throws {
        let port = port ?? Self.port ?? "5432"
        self.port = port
        name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        admin = try PostgresConnection(conninfo: "host=127.0.0.1 port=\(port) user=postgres dbname=postgres")
        try admin.execute("CREATE DATABASE \(name)")
        dsn = "host=127.0.0.1 port=\(port) user=postgres dbname=\(name)"
    }

    /// A new connection to this database.
    func connect() throws -> PostgresConnection { try PostgresConnection(conninfo: dsn) }

    /// Runs a SQL script with psql (for scripts with `COPY ... FROM stdin` blocks).
    func runScript(_ script: String) throws {
        let file = NSTemporaryDirectory() + "stockd-\(name)-\(UUID().uuidString).sql"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            try ShellCommand.run(["/usr/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", file])
        } catch {
            throw PostgresError(kind: .server, message: "psql failed: \(error)")
        }
    }

    /// The position this database's replication slot has confirmed, or 0 without one.
    ///
    /// An idle feed confirms the server's WAL end once it has applied and synced everything before it, so this
    /// passes a target taken from ``currentLSN()`` even when other databases of the shared test cluster wrote after
    /// this test's last commit (their WAL moves ``currentLSN()`` on but sends this feed nothing to apply).
    func slotConfirmedLSN() -> UInt64 {
        let query = "SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = '\(slot)'"
        guard let text = try? admin.execute(query).value("l") else { return 0 }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16) else { return 0 }
        return high << 32 | low
    }

    /// The server's current WAL position.
    func currentLSN() throws -> UInt64 {
        let text = try connect().execute("SELECT pg_current_wal_lsn()::text AS l").value("l") ?? "0/0"
        let parts = text.split(separator: "/")
        return UInt64(parts[0], radix: 16)! << 32 | UInt64(parts[1], radix: 16)!
    }

    deinit {
        // A fresh connection: the test may have restarted the server under the old one.
        guard let admin = try? PostgresConnection(conninfo: "host=127.0.0.1 port=\(port) user=postgres dbname=postgres") else { return }
        _ = try? admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)' AND pid <> pg_backend_pid()")
        _ = try? admin.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '\(name)'")
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(name)")
    }
}
