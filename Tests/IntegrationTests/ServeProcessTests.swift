import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import PostgresReplicationWire
import StockCatalogue
import StockProjection
import StockStorage
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `stockd serve` as an operator runs it: a real process, its HTTP port, its `/metrics`.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct ServeProcessTests {
    /// A free TCP port on loopback.
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The body of a GET, or `nil` when the server does not answer 2xx within two seconds.
    static func get(_ url: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sf", "--max-time", "2", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// The value of an unlabelled Prometheus series in an exposition text.
    static func value(of series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// The replication series documented in docs/operations.md are exported and move after a transaction
    /// (they were created before the metrics backend was bootstrapped, and went nowhere).
    @Test func metricsShowTheReplicationSeriesMoving() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 30, seed: 41))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // runs setup (publication)
        let directory = TemporaryDirectory()
        let stockd = try StockdProcess(database: database, store: directory.path + "/store")
        let process = stockd.process
        let base = stockd.base
        let deadline = Date().addingTimeInterval(60)
        while Self.get(base + "/readyz") == nil {
            guard Date() < deadline, process.isRunning else { throw ShellCommand.Failure(description: "stockd serve did not become ready") }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let before = Self.get(base + "/metrics") ?? ""
        #expect(Self.value(of: "stockd_replication_streaming", in: before) == 1, "\(before.prefix(2_000))")
        let transactionsBefore = Self.value(of: "stockd_replication_transactions_total", in: before) ?? 0

        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 3)
        try writer.write(5, to: database)
        // Open moves that are then validated or cancelled: the decode-time filter reduces or drops their rows.
        writer.operations.moveRate = 1
        try writer.write(40, to: database)
        var after = ""
        while Date() < deadline {
            after = Self.get(base + "/metrics") ?? ""
            if (Self.value(of: "stockd_replication_transactions_total", in: after) ?? 0) > transactionsBefore,
                (Self.value(of: "stockd_replication_dropped_move_rows_total", in: after) ?? 0) > 0
            {
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect((Self.value(of: "stockd_replication_transactions_total", in: after) ?? 0) > transactionsBefore, "\(after.prefix(2_000))")
        #expect((Self.value(of: "stockd_replication_row_changes_total", in: after) ?? 0) > 0)
        #expect((Self.value(of: "stockd_replication_dropped_move_rows_total", in: after) ?? 0) > 0, "\(after.prefix(3_000))")
        #expect(after.contains("stockd_replication_phase{phase=\"streaming\"} 1"))
    }

    /// SIGTERM: the HTTP server stops accepting, the feed commits the group in hand and confirms it, the process
    /// exits 0 without logging an error, and the store is closed cleanly (so change cursors survive the restart).
    @Test func sigtermShutsDownGracefully() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 40, seed: 42))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // runs setup (publication)
        let directory = TemporaryDirectory()
        let log = directory.path + "/stockd.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let port = Self.freePort()
        let process = Process()
        process.executableURL = CrashRecoveryTests.stockdExecutable
        process.arguments = [
            "serve", "--dsn", database.dsn, "--store", directory.path + "/store", "--port", "\(port)", "--log-level", "info", "--status-every", "0",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["STOCKD_SOURCE_SLOT": database.slot]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let base = "http://127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(60)
        while Self.get(base + "/readyz") == nil {
            guard Date() < deadline, process.isRunning else { throw ShellCommand.Failure(description: "stockd serve did not become ready") }
            Thread.sleep(forTimeInterval: 0.1)
        }
        var writer = OperationWriter(catalogue: catalogue, version: .v18, seed: 5)
        try writer.write(30, to: database)
        let written = try database.currentLSN()
        while Date() < deadline {
            let metrics = Self.get(base + "/metrics") ?? ""
            if (Self.value(of: "stockd_replication_transactions_total", in: metrics) ?? 0) >= 1, try database.currentLSN() >= written { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()  // SIGTERM
        let stopDeadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < stopDeadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "stockd did not stop within 20 s of SIGTERM")
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return
        }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(!text.contains(" error "), "\(text.suffix(2_000))")
        #expect(text.contains("stopped"), "\(text.suffix(2_000))")

        let store = try LMDBProjectionStore(path: directory.path + "/store", initialMapSize: 64 << 20)
        let checkpoint = try #require(try store.info().checkpoint)
        #expect(try store.openSession(), "the store was not closed cleanly")
        let confirmed = try ReplicationSlot(name: database.slot).status(on: database.connect())?.confirmedFlush?.rawValue ?? 0
        #expect(confirmed >= checkpoint.position, "the slot confirmed \(confirmed), the store holds \(checkpoint.position)")
    }
}
