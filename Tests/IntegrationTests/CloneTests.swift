import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import StockCatalogue
import StockProjection
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `stockd clone` with real processes against the test PostgreSQL: a new instance joins from a running peer's store
/// while the Odoo-like workload writes, streams on its own slot without a snapshot, and ends equal to the oracle at
/// the same LSN as the peer; a peer whose store is behind the new slot's consistent point is refused and leaves no
/// slot behind.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct CloneTests {
    static let adminToken = "clone-admin-token"
    static let readToken = "clone-read-token"

    /// `stockd serve` of a named instance with a read token and an admin token.
    static func serve(_ database: TestDatabase, store: String, name: String, dsn: String? = nil) throws -> StockdProcess {
        let stockd = try StockdProcess(
            database: database, store: store,
            environment: [
                "STOCKD_SOURCE_SLOT": "", "STOCKD_INSTANCE_NAME": name, "STOCKD_HTTP_TOKENS": "\(adminToken):admin;\(readToken):read",
                "STOCKD_HTTP_MIN_LSN_MAX_WAIT_MS": "10000",
            ], dsn: dsn)
        let deadline = Date().addingTimeInterval(90)
        while ScaleOutTests.get(stockd.base + "/readyz") == nil {
            guard Date() < deadline, stockd.process.isRunning else { throw ShellCommand.Failure(description: "stockd serve \(name) did not answer") }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return stockd
    }

    /// `stockd clone` as a child process: exit status and everything it printed.
    static func clone(
        _ database: TestDatabase, from peer: String, store: String, name: String, extra: [String] = []
    ) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = CrashRecoveryTests.stockdExecutable
        process.arguments =
            ["clone", "--from", peer, "--dsn", database.dsn, "--store", store, "--instance", name, "--token", adminToken, "--log-level", "error"]
            + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["STOCKD_SOURCE_SLOT": ""]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Rows read by sequential scans of `stock_quant` so far (statistics of ended sessions included): an initial
    /// snapshot's `COPY` reads every quant; the workload reads quants by id.
    static func quantRowsScanned(_ database: TestDatabase) throws -> Int {
        let connection = try database.connect()
        _ = try connection.execute("SELECT pg_stat_clear_snapshot()")
        return Int(try connection.execute("SELECT seq_tup_read FROM pg_stat_user_tables WHERE relname = 'stock_quant'").value("seq_tup_read") ?? "0")
            ?? 0
    }

    /// Waits until PostgreSQL has flushed the statistics of sessions that ended (at most a second in PostgreSQL 15).
    static func settleStatistics() { Thread.sleep(forTimeInterval: 1.5) }

    /// Waits until the instance's feed streams (its `/v1/status`, read with the read token).
    static func waitStreaming(_ stockd: StockdProcess, timeout: Double = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let phase = (ScaleOutTests.get(stockd.base + "/v1/status", token: readToken)?.json?["feed"] as? [String: Any])?["phase"] as? String
            if phase == "streaming" { return }
            guard Date() < deadline, stockd.process.isRunning else {
                throw ShellCommand.Failure(description: "stockd did not stream within \(timeout) s (phase \(phase ?? "none"))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    static func slotExists(_ name: String, _ database: TestDatabase) throws -> Bool {
        try ReplicationSlot(name: name).status(on: try database.connect()) != nil
    }

    @Test func aCloneJoinsFromARunningPeerWithoutASnapshotAndEqualsTheOracle() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 150, warehouses: 2, seed: 81))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // publication
        let directory = TemporaryDirectory()
        let suffix = UInt32.random(in: 0...UInt32.max)
        // A copy left by an export whose client went before the body started: `serve` sweeps it at start.
        let leftover = directory.path + "/a.exports/00000000-left-over"
        try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: leftover + "/data.mdb", contents: Data(repeating: 0, count: 4096))
        let a = try Self.serve(database, store: directory.path + "/a", name: "a\(suffix)")
        try Self.waitStreaming(a)
        #expect(!FileManager.default.fileExists(atPath: leftover), "a store copy left from an earlier export is still there")
        let quants = Int(try database.connect().execute("SELECT count(*) AS n FROM stock_quant").value("n") ?? "0") ?? 0
        #expect(quants > 100)

        // The workload: Odoo-like transactions in small batches until told to stop.
        let stop = Atomic<Bool>(false)
        let written = Atomic<Int>(0)
        let writerDone = DispatchSemaphore(value: 0)
        Thread {
            var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 82)
            while !stop.load(ordering: .acquiring) {
                if (try? writer.write(5, to: database)) != nil { written.add(5, ordering: .relaxed) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            writerDone.signal()
        }.start()
        defer {
            if !stop.exchange(true, ordering: .acquiringAndReleasing) { _ = writerDone.wait(timeout: .now() + 60) }
        }
        Thread.sleep(forTimeInterval: 1)

        // Clone b from a while the workload writes, then start b: no snapshot COPY of Odoo's tables happens.
        Self.settleStatistics()
        let scannedBefore = try Self.quantRowsScanned(database)
        let bName = "b\(suffix)"
        let cloned = try Self.clone(database, from: a.base, store: directory.path + "/b", name: bName)
        #expect(cloned.status == 0, "\(cloned.output)")
        #expect(cloned.output.contains("SHA-256"), "\(cloned.output)")
        #expect(cloned.output.contains("slot stockd_\(bName) created at consistent point"), "\(cloned.output)")
        #expect(try Self.slotExists("stockd_" + bName, database))
        let b = try Self.serve(database, store: directory.path + "/b", name: bName)
        try Self.waitStreaming(b)
        Thread.sleep(forTimeInterval: 1)
        Self.settleStatistics()
        let scannedByClone = try Self.quantRowsScanned(database) - scannedBefore
        #expect(scannedByClone < quants, "\(scannedByClone) quant rows read by sequential scans while b joined: a snapshot COPY")

        // The measure sees a snapshot: an instance started on an empty store reads every quant.
        let c = try Self.serve(database, store: directory.path + "/c", name: "c\(suffix)")
        try Self.waitStreaming(c)
        c.kill()
        Self.settleStatistics()
        let scannedBySnapshot = try Self.quantRowsScanned(database) - scannedBefore - scannedByClone
        #expect(scannedBySnapshot >= quants, "a fresh snapshot read only \(scannedBySnapshot) of \(quants) quants by sequential scan")
        _ = try? SetupTests.stockd(["decommission", "--dsn", database.dsn, "--instance", "c\(suffix)"])

        // A change-feed cursor of a is another instance's on b: 410, never read as a position.
        let page = try #require(ScaleOutTests.get(a.base + "/v1/changes?limit=1", token: Self.readToken))
        let cursor = try #require(page.json?["next_cursor"] as? String, "\(page.body)")
        let onB = try #require(ScaleOutTests.get(b.base + "/v1/changes?since=\(cursor)", token: Self.readToken))
        #expect(onB.status == 410, "\(onB.body)")

        stop.store(true, ordering: .releasing)
        _ = writerDone.wait(timeout: .now() + 60)
        #expect(written.load(ordering: .relaxed) > 0)

        // Both caught up with everything written, at the same LSN, and equal to the oracle.
        let target = try database.connect().execute("SELECT pg_current_wal_lsn()::text AS l").value("l") ?? "0/0"
        for warehouse in catalogue.warehouses {
            let expected = try BalancerTests.oracle(database, warehouse: warehouse)
            let fromA = try BalancerTests.figures(a.base, warehouse: warehouse.code, minLSN: target, token: Self.readToken)
            let fromB = try BalancerTests.figures(b.base, warehouse: warehouse.code, minLSN: target, token: Self.readToken)
            #expect(fromA.lsn == fromB.lsn)
            #expect(fromA.figures == expected, "instance a differs from the oracle in \(warehouse.code)")
            #expect(fromB.figures == expected, "instance b (the clone) differs from the oracle in \(warehouse.code)")
            #expect(!expected.isEmpty)
        }
    }

    @Test func aPeerBehindTheNewSlotIsRefusedAndLeavesNoSlot() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 40, seed: 83))
        let database = try ReplicationFeedTests.prepare(.v16, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // publication
        let directory = TemporaryDirectory()
        let suffix = UInt32.random(in: 0...UInt32.max)
        let aName = "a\(suffix)"
        let a = try Self.serve(database, store: directory.path + "/a", name: aName)
        try Self.waitStreaming(a)
        a.process.terminate()  // SIGTERM: a clean stop, its store at its checkpoint
        a.process.waitUntilExit()

        // The database moves on; a serves its old store again from a source it cannot reach, so it never advances.
        var writer = OperationWriter(catalogue: catalogue, version: .v16, seed: 84)
        try writer.write(20, to: database)
        let stale = try Self.serve(database, store: directory.path + "/a", name: aName, dsn: "host=127.0.0.1 port=1 dbname=none connect_timeout=1")

        // Admin scope is required: no token and a read token are refused.
        #expect(ScaleOutTests.get(stale.base + "/v1/admin/store-snapshot")?.status == 401)
        #expect(ScaleOutTests.get(stale.base + "/v1/admin/store-snapshot", token: Self.readToken)?.status == 403)

        let bName = "b\(suffix)"
        let refused = try Self.clone(database, from: stale.base, store: directory.path + "/b", name: bName, extra: ["--max-wait", "2"])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("peer too far behind"), "\(refused.output)")
        let lsns = refused.output.split(whereSeparator: { " ,():".contains($0) }).filter { $0.contains("/") && $0.first?.isHexDigit == true }
        #expect(lsns.count >= 2, "the refusal names the copy's checkpoint and the slot's consistent point: \(refused.output)")
        #expect(try !Self.slotExists("stockd_" + bName, database), "the refused clone left its slot behind")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/b"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.contains("clone") },
            "the refused copy was left on disk")
        _ = try? SetupTests.stockd(["decommission", "--dsn", database.dsn, "--instance", aName])
    }
}
