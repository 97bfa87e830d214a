import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import StockCatalogue
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Several instances on one database, as an operator runs them: instance names and their slots, slot hygiene
/// (`stockd setup` lists the slots, `stockd decommission` drops one), and read-your-writes with `min_lsn`, all with
/// real `stockd` processes against the test PostgreSQL.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct ScaleOutTests {
    /// An HTTP answer as curl saw it.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] }
    }

    /// A GET with curl (with a bearer token when given): status, headers (names lower-cased) and body; `nil` when
    /// nothing answers.
    static func get(_ url: String, timeout: Double = 10, token: String? = nil) -> Answer? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-i", "--max-time", String(timeout), url] + (token.map { ["-H", "Authorization: Bearer \($0)"] } ?? [])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        guard let statusLine = head.first, let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// Starts `stockd serve` and waits until `/readyz` passes.
    static func serve(_ database: TestDatabase, store: String, environment: [String: String] = [:]) throws -> StockdProcess {
        let stockd = try StockdProcess(database: database, store: store, environment: environment)
        let deadline = Date().addingTimeInterval(90)
        while ServeProcessTests.get(stockd.base + "/readyz") == nil {
            guard Date() < deadline, stockd.process.isRunning else { throw ShellCommand.Failure(description: "stockd serve did not become ready") }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return stockd
    }

    /// A name no other test of the cluster uses (slot names are cluster-wide).
    static func uniqueName(_ prefix: String) -> String { "\(prefix)\(UInt32.random(in: 0...UInt32.max))" }

    // MARK: - Instance identity

    /// A named instance follows its own slot, `stockd_<name>` (with `source.slot` empty), and says who it is in
    /// every response header, `/v1/status` and `/metrics`.
    @Test func aNamedInstanceUsesItsOwnSlotAndSaysWhoItIs() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 20, seed: 61))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // runs setup (publication)
        let directory = TemporaryDirectory()
        let name = Self.uniqueName("i")
        let stockd = try Self.serve(
            database, store: directory.path + "/store", environment: ["STOCKD_SOURCE_SLOT": "", "STOCKD_INSTANCE_NAME": name])
        let slots = try database.connect().execute(
            "SELECT slot_name FROM pg_replication_slots WHERE database = current_database()"
        ).rows.compactMap { $0[0] }
        #expect(slots == ["stockd_" + name])

        let status = try #require(Self.get(stockd.base + "/v1/status"))
        #expect(status.headers["stockd-instance"] == name)
        #expect(status.json?["instance"] as? String == name)
        #expect(Self.get(stockd.base + "/readyz")?.headers["stockd-instance"] == name)
        #expect(Self.get(stockd.base + "/v1/nowhere")?.headers["stockd-instance"] == name)
        let metrics = try #require(Self.get(stockd.base + "/metrics")).body
        let info = metrics.split(separator: "\n").first { $0.hasPrefix("stockd_instance_info{") }
        #expect(info?.contains("instance=\"\(name)\"") == true, "\(metrics.prefix(3_000))")
        #expect(info?.contains("slot=\"stockd_\(name)\"") == true)
        #expect(info?.hasSuffix(" 1") == true || info?.hasSuffix(" 1.0") == true, "\(String(describing: info))")
    }

    // MARK: - Slot hygiene

    /// `stockd setup` lists every stockd slot of the database with its activity and retained WAL and warns about the
    /// inactive ones; `stockd decommission` refuses an active slot, drops an inactive one saying how much WAL it
    /// held, and says when there is nothing to drop.
    @Test func setupListsTheSlotsAndDecommissionDropsAnInactiveOne() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 20, seed: 62))
        let database = try ReplicationFeedTests.prepare(.v16, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // publication
        let instance = Self.uniqueName("gone")
        let slot = "stockd_" + instance
        let admin = try database.connect()
        try admin.execute("SELECT pg_create_logical_replication_slot('\(slot)', 'pgoutput')")
        var writer = OperationWriter(catalogue: catalogue, version: .v16, seed: 9)
        try writer.write(20, to: database)  // WAL the slot now holds

        let report = try SourceSetup(dsn: database.dsn, publication: "stockd").run()
        let listed = try #require(report.slots.first { $0.name == slot }, "\(report.lines)")
        #expect(!listed.active)
        #expect((listed.retainedBytes ?? 0) > 0)
        #expect(report.warnings.contains { $0.hasPrefix("slot \(slot) is inactive and holds ") && $0.contains("stockd decommission") })
        #expect(report.lines.contains { $0.hasPrefix("  \(slot): inactive, retains ") })
        #expect(report.ready, "an inactive slot is a warning, not a blocker")

        // An instance streaming from its slot: setup lists it active, and decommission refuses it.
        let live = Self.uniqueName("live")
        let directory = TemporaryDirectory()
        let stockd = try Self.serve(
            database, store: directory.path + "/store", environment: ["STOCKD_SOURCE_SLOT": "", "STOCKD_INSTANCE_NAME": live])
        let liveSlot = "stockd_" + live
        let deadline = Date().addingTimeInterval(30)
        while try ReplicationSlot(name: liveSlot).status(on: admin)?.active != true {
            guard Date() < deadline else { throw ShellCommand.Failure(description: "the instance did not take its slot") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let withLive = try SourceSetup(dsn: database.dsn, publication: "stockd").run()
        #expect(withLive.slots.first { $0.name == liveSlot }?.active == true, "\(withLive.lines)")
        #expect(!withLive.warnings.contains { $0.contains(liveSlot) })
        let refused = try SetupTests.stockd(["decommission", "--dsn", database.dsn, "--instance", live])
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.output.contains("slot \(liveSlot) is active"), "\(refused.output)")
        #expect(try ReplicationSlot(name: liveSlot).status(on: admin) != nil)

        // The instance dies for good; its slot is inactive, decommission drops it and says what it held.
        stockd.kill()
        while try ReplicationSlot(name: liveSlot).status(on: admin)?.active == true {
            guard Date() < deadline.addingTimeInterval(30) else { throw ShellCommand.Failure(description: "the slot stayed active") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let dropped = try SetupTests.stockd(["decommission", "--dsn", database.dsn, "--instance", live])
        #expect(dropped.status == 0, "\(dropped.output)")
        #expect(dropped.output.contains("dropped replication slot \(liveSlot); it held "), "\(dropped.output)")
        #expect(try ReplicationSlot(name: liveSlot).status(on: admin) == nil)

        let idle = try SetupTests.stockd(["decommission", "--dsn", database.dsn, "--slot", slot])
        #expect(idle.status == 0, "\(idle.output)")
        #expect(idle.output.contains("dropped replication slot \(slot); it held "), "\(idle.output)")
        let again = try SetupTests.stockd(["decommission", "--dsn", database.dsn, "--slot", slot])
        #expect(again.status == 1)
        #expect(again.output.contains("no replication slot \(slot)"), "\(again.output)")
    }

    // MARK: - Read your writes

    /// A write in PostgreSQL followed by a read carrying the write's `pg_current_wal_lsn()` is never answered with
    /// older figures: each of many writes adds 1 to a quant, and each read right after it must see exactly the
    /// running total. A position the instance cannot reach gets 503 `lsn-not-reached` with `Retry-After`.
    @Test func aReadWithTheWritesLSNNeverSeesOlderFigures() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 30, seed: 63))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // publication
        let directory = TemporaryDirectory()
        let stockd = try Self.serve(database, store: directory.path + "/store", environment: ["STOCKD_HTTP_MIN_LSN_MAX_WAIT_MS": "5000"])
        let odoo = try database.connect()
        let quant = try odoo.execute(
            """
            SELECT q.id, q.product_id, q.location_id FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
             WHERE l.usage = 'internal' AND q.quantity IS NOT NULL ORDER BY q.id LIMIT 1
            """)
        let quantID = try #require(quant.value("id"))
        let variant = try #require(quant.value("product_id"))
        let location = try #require(quant.value("location_id"))
        let lsn = { try odoo.execute("SELECT pg_current_wal_lsn()::text AS l").value("l") ?? "0/0" }
        func onHand(minLSN: String) throws -> Double {
            let answer = try #require(Self.get(stockd.base + "/v1/availability?variant_id=\(variant)&location=\(location)&min_lsn=\(minLSN)"))
            #expect(answer.status == 200, "\(answer.body)")
            let items = try #require(answer.json?["items"] as? [[String: Any]], "\(answer.body)")
            return try #require((items.first?["on_hand"] as? NSNumber)?.doubleValue, "\(answer.body)")
        }
        let initial = try onHand(minLSN: try lsn())
        for step in 1...40 {
            try odoo.execute("UPDATE stock_quant SET quantity = quantity + 1 WHERE id = \(quantID)")
            let seen = try onHand(minLSN: try lsn())
            #expect(seen == initial + Double(step), "step \(step): read \(seen), the write made it \(initial + Double(step))")
        }

        // Far ahead of anything written: 503 after the wait, with Retry-After and the instance's position.
        let future = try #require(Self.get(stockd.base + "/v1/availability?variant_id=\(variant)&min_lsn=FFFFFFFF/0"))
        #expect(future.status == 503)
        #expect(future.headers["retry-after"] != nil)
        #expect(future.json?["type"] as? String == "urn:stockd:problem:lsn-not-reached")
        #expect(future.json?["lsn"] as? String != nil)
        let metrics = try #require(Self.get(stockd.base + "/metrics")).body
        #expect(metrics.contains("stockd_http_min_lsn_reads_total{outcome=\"timeout\"} 1"), "\(metrics.prefix(3_000))")
    }
}
