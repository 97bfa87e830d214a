import Foundation
import OdooFixtures
import StockCatalogue
import StockProjection
import StockStorage
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `GET /v1/events` end to end: `stockd serve` on a real PostgreSQL with Odoo-like writes, read with curl and a raw
/// socket. A client cut off in the middle of a burst resumes with `Last-Event-ID`, and what it got before and after
/// is exactly the outbox's events of its rules: no gap, no duplicate, the same bytes. A client that stops reading
/// is dropped (the drop counter moves), its buffer is released, and the server keeps answering.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct EventStreamTests {
    /// One event read from a stream.
    struct Received: Equatable {
        var id: String
        var type: String
        var data: String
    }

    /// The complete events in an SSE text (a block cut off at the end is left out), and whether a `dropped` came.
    static func events(_ text: String) -> (events: [Received], dropped: String?) {
        var blocks = text.components(separatedBy: "\n\n")
        blocks.removeLast()  // after the last "\n\n": empty, or a block cut off
        var events: [Received] = []
        var dropped: String?
        for block in blocks {
            var id: String?
            var type = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            if type == "dropped" { dropped = data.joined(separator: "\n") }
            if let id { events.append(Received(id: id, type: type, data: data.joined(separator: "\n"))) }
        }
        return (events, dropped)
    }

    /// curl reading a stream into a file.
    final class StreamReader {
        let process = Process()
        let file: String

        init(url: String, file: String, lastEventID: String? = nil) throws {
            self.file = file
            FileManager.default.createFile(atPath: file, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-sN", "-o", file] + (lastEventID.map { ["-H", "Last-Event-ID: \($0)"] } ?? []) + [url]
            try process.run()
        }

        var text: String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }

        /// Waits until the text satisfies `condition`.
        func wait(for what: String, timeout: Double = 20, _ condition: (String) -> Bool) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition(text) { return }
                Thread.sleep(forTimeInterval: 0.02)
            }
            throw ShellCommand.Failure(description: "timed out waiting for \(what); stream so far: \(text.suffix(400))")
        }

        /// Disconnects: SIGKILL (a child of the test process inherits its blocked SIGTERM), which closes the socket.
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit { if process.isRunning { stop() } }
    }

    /// A labelled or unlabelled series' value in a Prometheus text.
    static func value(_ series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") || line.hasPrefix(series + "{") {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }

    @Test func resumesWithoutGapOrDuplicateAndDropsAStalledClient() throws {
        let directory = TemporaryDirectory()
        let moved = (1...30).map { "moved-\($0)" }
        let rules =
            "{\"rules\": [{\"id\": \"out\", \"products\": \"all\", \"condition\": \"out_of_stock\"},"
            + " {\"id\": \"back\", \"products\": \"all\", \"condition\": \"back_in_stock\"},"
            + moved.map {
                "{\"id\": \"\($0)\", \"products\": \"all\", \"scope\": \"each_warehouse\", \"figure\": \"on_hand\", \"condition\": \"changed\"}"
            }
            .joined(separator: ", ") + "]}"
        let rulesFile = directory.path + "/events.json"
        try rules.write(toFile: rulesFile, atomically: true, encoding: .utf8)
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 150, warehouses: 2, shelvesPerWarehouse: 2, levelsPerVariant: 2, seed: 9))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // runs setup (publication)
        let store = directory.path + "/store"
        let stockd = try StockdProcess(
            database: database, store: store,
            environment: [
                "STOCKD_EVENTS_RULES_FILE": rulesFile, "STOCKD_QUARANTINE_NAME_PATTERNS": "", "STOCKD_QUARANTINE_WAREHOUSE_QC_LOCATIONS": "false",
                "STOCKD_HTTP_EVENTS_STREAM_BUFFER": "512", "STOCKD_HTTP_EVENTS_STREAM_KEEPALIVE_SECONDS": "1",
                "STOCKD_HTTP_WRITE_TIMEOUT_SECONDS": "2",
            ])
        try stockd.wait(for: "streaming") { $0.phase == "streaming" }
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 31)
        let filter = "rule=out&rule=back&rule=moved-1"
        let url = stockd.base + "/v1/events?" + filter

        // A bad filter is a problem, not a stream.
        #expect(ServeProcessTests.get(stockd.base + "/v1/events?type=nope") == nil)

        // Client A follows live, and is cut off in the middle of a burst.
        let first = try StreamReader(url: url, file: directory.path + "/a.txt")
        try first.wait(for: "the stream to open") { $0.contains(": live\n\n") }
        for _ in 0..<4 { try writer.write(25, to: database) }
        try first.wait(for: "some events") { Self.events($0).events.count >= 5 }
        first.stop()
        let before = Self.events(first.text).events
        // More commits while no client is connected: B must catch them up from the outbox.
        for _ in 0..<4 { try writer.write(25, to: database) }
        let resumeFrom = try #require(before.last?.id)
        let second = try StreamReader(url: url, file: directory.path + "/b.txt", lastEventID: resumeFrom)
        try second.wait(for: "the resumed stream to open") { $0.contains(": resuming after \(resumeFrom)") }
        // And live commits after it is connected.
        for _ in 0..<2 { try writer.write(25, to: database) }
        let target = try database.currentLSN()
        try stockd.waitUntilCaughtUp(with: database, to: target)

        let reader = try LMDBProjectionStore(path: store, initialMapSize: 64 << 20)
        let ruleIDs: Set<String> = ["out", "back", "moved-1"]
        let expected = try reader.outboxRecords(after: nil, limit: .max).compactMap { record -> Received? in
            let object = try JSONSerialization.jsonObject(with: Data(record.payload)) as? [String: Any]
            guard let rule = object?["rule_id"] as? String, ruleIDs.contains(rule), let type = object?["type"] as? String else { return nil }
            return Received(id: record.key.description, type: type, data: String(decoding: record.payload, as: UTF8.self))
        }
        let newest = try #require(expected.last?.id)
        try second.wait(for: "the newest event \(newest)") { Self.events($0).events.last?.id == newest }
        second.stop()
        let after = Self.events(second.text).events
        #expect(!after.isEmpty && before.count >= 5)
        #expect(expected.count > before.count + 10, "the workload should fire events after the cut: \(expected.count) in all")
        #expect(expected.contains { $0.data.contains("\"kit\":true") }, "kit events come through the same stream")
        let union = before + after
        #expect(union.count == expected.count, "\(before.count) + \(after.count) received, \(expected.count) in the outbox")
        let unionIDs = union.map(\.id)
        let expectedIDs = expected.map(\.id)
        let duplicates = Dictionary(grouping: unionIDs, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        let missing = Set(expectedIDs).subtracting(unionIDs).sorted()
        #expect(duplicates.isEmpty, "duplicates after resuming from \(resumeFrom): \(duplicates.prefix(10))")
        #expect(missing.isEmpty, "missing after resuming from \(resumeFrom): \(missing.prefix(10))")
        #expect(unionIDs == expectedIDs, "in commit order")
        if unionIDs == expectedIDs {
            let differing = zip(union, expected).filter { $0 != $1 }.map(\.0.id)
            #expect(differing.isEmpty, "not the outbox's type or bytes: \(differing.prefix(10))")
        }

        // A client that stops reading: a raw socket with a small receive buffer that never reads.
        let metricsBefore = try #require(ServeProcessTests.get(stockd.base + "/metrics"))
        let droppedBefore = Self.value("stockd_event_stream_dropped_total{reason=\"buffer_full\"}", in: metricsBefore) ?? 0
        let rssBefore = Self.residentKilobytes(stockd.process.processIdentifier)
        let stalled = try Self.stalledClient(port: stockd.port, path: "/v1/events")
        defer { close(stalled) }
        let deadline = Date().addingTimeInterval(30)
        var dropped = droppedBefore
        while Date() < deadline && dropped <= droppedBefore {
            try writer.write(25, to: database)
            #expect(ServeProcessTests.get(stockd.base + "/v1/status") != nil, "the server stays responsive")
            dropped =
                ServeProcessTests.get(stockd.base + "/metrics").flatMap {
                    Self.value("stockd_event_stream_dropped_total{reason=\"buffer_full\"}", in: $0)
                } ?? dropped
        }
        #expect(dropped == droppedBefore + 1, "the stalled client is dropped")
        // Its buffer is released at once; its connection ends at the write deadline (2 s).
        var metricsAfter = ""
        let released = Date().addingTimeInterval(10)
        while Date() < released {
            metricsAfter = ServeProcessTests.get(stockd.base + "/metrics") ?? ""
            if Self.value("stockd_event_stream_clients", in: metricsAfter) == 0 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(Self.value("stockd_event_stream_clients", in: metricsAfter) == 0)
        #expect(Self.value("stockd_event_stream_buffered_events", in: metricsAfter) == 0)
        #expect((Self.value("stockd_event_stream_events_total", in: metricsAfter) ?? 0) >= Double(union.count))
        let rssAfter = Self.residentKilobytes(stockd.process.processIdentifier)
        print("event stream: \(union.count) events across the cut; resident memory \(rssBefore) kB before the stalled client, \(rssAfter) kB after")
        #expect(rssAfter < rssBefore + 64 * 1024, "no growth beyond a bound: \(rssBefore) kB -> \(rssAfter) kB")

        // Graceful shutdown with a stream open: the stream ends with a comment and does not hold the server.
        let last = try StreamReader(url: stockd.base + "/v1/events", file: directory.path + "/c.txt")
        try last.wait(for: "the last stream to open") { $0.contains(": live\n\n") }
        let stopping = Date()
        stockd.process.terminate()
        while stockd.process.isRunning && Date().timeIntervalSince(stopping) < 20 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!stockd.process.isRunning, "stockd did not stop within 20 s of SIGTERM with a stream open")
        print("event stream: stockd stopped \(Date().timeIntervalSince(stopping)) s after SIGTERM with a stream open")
        try last.wait(for: "the server's last comment") { $0.contains(": stream ended by the server") }
        last.stop()
    }

    /// VmRSS of a process, in kB.
    static func residentKilobytes(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// A connected socket that sent `GET path` and will never read.
    static func stalledClient(port: Int, path: String) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size: Int32 = 4096
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ShellCommand.Failure(description: "connect failed: \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        return descriptor
    }
}
