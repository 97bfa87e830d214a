import Foundation
import LibPQ
import OdooFixtures
import StockCatalogue
import StockProjection
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two instances on their own slots behind a real HAProxy (Debian's package), under the Odoo-like workload: one
/// is SIGKILLed and restarted while a client reads through the balancer; no read fails (HAProxy retries what was
/// in flight on the killed instance elsewhere), the restarted one catches up, and both equal the oracle at the
/// same LSN.
@Suite(
    .serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"),
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/haproxy"), "needs haproxy (scripts/install-deps.sh)"))
struct BalancerTests {
    /// One `stockd serve` on a fixed port and store, so it can be killed and started again as the same instance.
    final class Instance {
        let name: String
        let port = ServeProcessTests.freePort()
        let store: String
        let database: TestDatabase
        var process = Process()
        var base: String { "http://127.0.0.1:\(port)" }

        init(name: String, database: TestDatabase, store: String) throws {
            self.name = name
            self.database = database
            self.store = store
            try start()
        }

        func start() throws {
            process = Process()
            process.executableURL = CrashRecoveryTests.stockdExecutable
            process.arguments = [
                "serve", "--dsn", database.dsn, "--store", store, "--port", "\(port)", "--log-level", "error", "--status-every", "0",
            ]
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["STOCKD_SOURCE_SLOT": "", "STOCKD_INSTANCE_NAME": name, "STOCKD_HTTP_MIN_LSN_MAX_WAIT_MS": "10000"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func waitReady(timeout: Double = 90) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while ServeProcessTests.get(base + "/readyz") == nil {
                guard Date() < deadline, process.isRunning else { throw ShellCommand.Failure(description: "\(name) did not become ready") }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }

        func kill() {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit { if process.isRunning { kill() } }
    }

    /// HAProxy's configuration: health checks on `/readyz`, retries with redispatch to the other server.
    static func haproxyConfiguration(port: Int, servers: [Instance]) -> String {
        """
        global
            maxconn 256
        defaults
            mode http
            timeout connect 500ms
            timeout client 30s
            timeout server 30s
            retries 3
            option redispatch 1
            retry-on conn-failure empty-response response-timeout 503
            option http-server-close
        backend stockd
            balance roundrobin
            option httpchk GET /readyz
            http-check expect status 200
            default-server inter 200ms fall 2 rise 2 on-marked-down shutdown-sessions
        \(servers.map { "    server \($0.name) 127.0.0.1:\($0.port) check" }.joined(separator: "\n"))
        frontend api
            bind 127.0.0.1:\(port)
            default_backend stockd

        """
    }

    /// Per-variant (on hand, reserved) of a warehouse as an instance reports it at `minLSN`, kits left out, zeros
    /// left out; and the snapshot's LSN.
    static func figures(_ base: String, warehouse: String, minLSN: String, token: String? = nil) throws -> (lsn: String, figures: [Int: [Double]]) {
        let answer = try #require(
            ScaleOutTests.get(base + "/v1/locations/\(warehouse)/stock?limit=5000&min_lsn=\(minLSN)", timeout: 30, token: token))
        #expect(answer.status == 200, "\(answer.body)")
        let json = try #require(answer.json)
        let lsn = try #require((json["as_of"] as? [String: Any])?["lsn"] as? String)
        var figures: [Int: [Double]] = [:]
        for item in json["items"] as? [[String: Any]] ?? [] where (item["kit"] as? Bool) != true {
            let variant = try #require(item["variant_id"] as? Int)
            let onHand = (item["on_hand"] as? NSNumber)?.doubleValue ?? 0
            let reserved = (item["reserved"] as? NSNumber)?.doubleValue ?? 0
            if onHand != 0 || reserved != 0 { figures[variant] = [onHand, reserved] }
        }
        return (lsn, figures)
    }

    /// The oracle's (on hand, reserved) per variant of a warehouse, zeros left out.
    static func oracle(_ database: TestDatabase, warehouse: Warehouse) throws -> [Int: [Double]] {
        var figures: [Int: [Double]] = [:]
        for row in try database.connect().execute(OdooOracle.query(.warehouse(warehouse.id))).rows {
            let variant = Int(row[0]!)!
            let onHand = Double(row[1] ?? "0") ?? 0
            let reserved = Double(row[2] ?? "0") ?? 0
            if onHand != 0 || reserved != 0 { figures[variant] = [onHand, reserved] }
        }
        return figures
    }

    @Test func oneInstanceKilledAndRestartedBehindHAProxyLosesNoRead() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 150, warehouses: 2, seed: 71))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // publication
        let directory = TemporaryDirectory()
        let suffix = UInt32.random(in: 0...UInt32.max)
        let a = try Instance(name: "a\(suffix)", database: database, store: directory.path + "/a")
        let b = try Instance(name: "b\(suffix)", database: database, store: directory.path + "/b")
        try a.waitReady()
        try b.waitReady()

        let port = ServeProcessTests.freePort()
        let configuration = directory.path + "/haproxy.cfg"
        try Self.haproxyConfiguration(port: port, servers: [a, b]).write(toFile: configuration, atomically: true, encoding: .utf8)
        let haproxy = Process()
        haproxy.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
        haproxy.arguments = ["-f", configuration, "-db"]
        haproxy.standardOutput = FileHandle.nullDevice
        haproxy.standardError = FileHandle.nullDevice
        try haproxy.run()
        defer {
            haproxy.terminate()
            haproxy.waitUntilExit()
        }
        let front = "http://127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(30)
        while ServeProcessTests.get(front + "/readyz") == nil {
            guard Date() < deadline, haproxy.isRunning else { throw ShellCommand.Failure(description: "haproxy did not answer") }
            Thread.sleep(forTimeInterval: 0.1)
        }

        // The workload: Odoo-like transactions in small batches until told to stop.
        let stop = Atomic<Bool>(false)
        let written = Atomic<Int>(0)
        let writerDone = DispatchSemaphore(value: 0)
        Thread {
            var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 72)
            while !stop.load(ordering: .acquiring) {
                if (try? writer.write(5, to: database)) != nil { written.add(5, ordering: .relaxed) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            writerDone.signal()
        }.start()

        // The client: reads through HAProxy one after another, counting answers by status and by instance.
        let sku = catalogue.variants[0].sku ?? ""
        let reads = Mutex<(ok: Int, failed: [String], byInstance: [String: Int])>((0, [], [:]))
        let readerDone = DispatchSemaphore(value: 0)
        Thread {
            while !stop.load(ordering: .acquiring) {
                let answer = ScaleOutTests.get(front + "/v1/availability?sku=\(sku)", timeout: 10)
                reads.withLock {
                    if let answer, answer.status == 200 {
                        $0.ok += 1
                        $0.byInstance[answer.headers["stockd-instance"] ?? "?", default: 0] += 1
                    } else {
                        $0.failed.append(answer.map { "\($0.status) \($0.body.prefix(200))" } ?? "no answer")
                    }
                }
            }
            readerDone.signal()
        }.start()

        Thread.sleep(forTimeInterval: 3)
        a.kill()  // SIGKILL, requests in flight on it included
        Thread.sleep(forTimeInterval: 2)
        try a.start()
        try a.waitReady()
        Thread.sleep(forTimeInterval: 3)
        stop.store(true, ordering: .releasing)
        _ = writerDone.wait(timeout: .now() + 60)
        _ = readerDone.wait(timeout: .now() + 60)

        let outcome = reads.withLock { $0 }
        #expect(outcome.failed.count == 0, "\(outcome.failed.count) reads failed through HAProxy: \(outcome.failed.prefix(5))")
        #expect(outcome.ok > 20, "only \(outcome.ok) reads")
        #expect((outcome.byInstance[b.name] ?? 0) > 0 && (outcome.byInstance[a.name] ?? 0) > 0, "\(outcome.byInstance)")
        #expect(written.load(ordering: .relaxed) > 0)

        // Both caught up with everything written, at the same LSN, and equal to the oracle.
        let target = try database.connect().execute("SELECT pg_current_wal_lsn()::text AS l").value("l") ?? "0/0"
        for warehouse in catalogue.warehouses {
            let expected = try Self.oracle(database, warehouse: warehouse)
            let fromA = try Self.figures(a.base, warehouse: warehouse.code, minLSN: target)
            let fromB = try Self.figures(b.base, warehouse: warehouse.code, minLSN: target)
            #expect(fromA.lsn == fromB.lsn)
            #expect(fromA.figures == expected, "instance a differs from the oracle in \(warehouse.code)")
            #expect(fromB.figures == expected, "instance b differs from the oracle in \(warehouse.code)")
            #expect(!expected.isEmpty)
        }
    }
}
