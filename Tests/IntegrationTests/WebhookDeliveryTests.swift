import Foundation
import LibPQ
import OdooFixtures
import StockCatalogue
import StockProjection
import StockStorage
import StockWebhooks
import TestSupport
import Testing

/// Webhooks end to end: `stockd serve` with rules and five subscriptions, a real receiver (Python, verifying every
/// signature with the Standard Webhooks reference library), Odoo-like writes. Every event is delivered at least
/// once with a stable id; a receiver failing some requests gets them again; one always failing gets each event
/// the attempt limit's number of times and the dead-letter queue holds them; shadow sends nothing and records;
/// `410` disables its subscription after one request. Batch subscriptions (`batch_size`), resumed once a backlog
/// waits, get JSON arrays signed as one message: every event once and in order, failed batches retried whole
/// under the same `webhook-id`, and each event of a batch that keeps failing dead-lettered.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct WebhookDeliveryTests {
    static let secret = "whsec_c3RvY2tkLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODk="

    /// The Python with `standardwebhooks` installed (scripts/test.sh makes the venv).
    static var python: String {
        if let configured = ProcessInfo.processInfo.environment["STOCKD_TEST_WEBHOOK_PYTHON"] { return configured }
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        return cache + "/stockd/webhooks-venv/bin/python"
    }

    static var receiverScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Support/webhook-receiver.py")
            .path
    }

    struct Request: Decodable {
        var path: String
        var id: String
        var verified: Bool
        var status: Int
        var type: String?
        /// The event ids the body carried, in order.
        var events: [String]
        /// Whether the body was a JSON array (a batch subscription's message).
        var batch: Bool
    }

    static func requests(_ log: String) -> [Request] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    @Test func deliversSignedEventsAtLeastOnceWithRetriesDeadLettersShadowAndGone() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.python), "no Python with standardwebhooks at \(Self.python); run scripts/test.sh")
        let directory = TemporaryDirectory()
        let log = directory.path + "/requests.jsonl"
        let receiver = try WebhookReceiverProcess(secret: Self.secret, log: log)
        defer { receiver.stop() }
        let base = receiver.base

        let rules = """
            {"rules": [
               {"id": "out", "products": "all", "condition": "out_of_stock"},
               {"id": "back", "products": "all", "condition": "back_in_stock"},
               {"id": "moved", "products": "all", "scope": "each_warehouse", "figure": "on_hand", "condition": "changed"},
               {"id": "low", "products": "all", "figure": "free", "condition": "low_stock", "threshold": 40, "rearm": 45}
             ],
             "subscriptions": [
               {"id": "ok", "url": "\(base)/ok", "secret": "\(Self.secret)", "rules": ["out", "back", "low"]},
               {"id": "flaky", "url": "\(base)/flaky", "secret": "\(Self.secret)", "rules": ["out", "back", "low"]},
               {"id": "dead", "url": "\(base)/dead", "secret": "\(Self.secret)", "rules": ["out"]},
               {"id": "shadow", "url": "\(base)/shadow", "secret": "\(Self.secret)", "rules": ["moved"], "mode": "shadow"},
               {"id": "gone", "url": "\(base)/gone", "secret": "\(Self.secret)", "rules": ["moved"]},
               {"id": "ok-batch", "url": "\(base)/ok/batch", "secret": "\(Self.secret)", "rules": ["out", "back", "low"],
                "batch_size": 4, "mode": "paused"},
               {"id": "flaky-batch", "url": "\(base)/flaky/batch", "secret": "\(Self.secret)", "rules": ["out", "back", "low"],
                "batch_size": 4, "mode": "paused"},
               {"id": "dead-batch", "url": "\(base)/dead/batch", "secret": "\(Self.secret)", "rules": ["out"], "batch_size": 3, "mode": "paused"},
               {"id": "hang", "url": "\(base)/hang/batch", "secret": "\(Self.secret)", "rules": ["out"], "batch_size": 1000, "mode": "paused"},
               {"id": "refused", "url": "\(Self.closedPortBase())/ok/batch", "secret": "\(Self.secret)", "rules": ["out"], "batch_size": 1000, "mode": "paused"}
             ],
             "delivery": {"max_attempts": 3, "initial_backoff_ms": 20, "max_backoff_ms": 100, "response_timeout_ms": 2000}}
            """
        let rulesFile = directory.path + "/events.json"
        try rules.write(toFile: rulesFile, atomically: true, encoding: .utf8)

        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 200, warehouses: 2, shelvesPerWarehouse: 2, levelsPerVariant: 2, seed: 5))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        _ = try FeedHarness(database: database)  // runs setup (publication)
        let store = directory.path + "/store"
        let stockd = try StockdProcess(
            database: database, store: store,
            environment: [
                "STOCKD_EVENTS_RULES_FILE": rulesFile, "STOCKD_QUARANTINE_NAME_PATTERNS": "", "STOCKD_QUARANTINE_WAREHOUSE_QC_LOCATIONS": "false",
                "STOCKD_HTTP_TOKENS": "\(AdminAPITests.admin):admin:ops;\(AdminAPITests.reader):read",
            ])
        // With tokens configured (the admin API resumes the batch subscriptions), the status needs the read token.
        try AdminAPITests.waitUntil("stockd streaming", timeout: 60) { AdminAPITests.applied(stockd.base) != nil }
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 23)
        try writer.write(150, to: database)
        let target = try database.currentLSN()
        try AdminAPITests.waitUntil("the writes applied", timeout: 60) {
            (AdminAPITests.applied(stockd.base) ?? 0) >= target || database.slotConfirmedLSN() >= target
        }
        // The batch subscriptions start paused: resumed now, their backlog goes out in full batches.
        for id in ["ok-batch", "flaky-batch", "dead-batch", "hang", "refused"] {
            #expect(AdminAPITests.call("POST", stockd.base + "/v1/admin/subscriptions/\(id)/resume", token: AdminAPITests.admin).status == 200)
        }

        // Wait until every subscription has worked through the outbox (the store is read while stockd runs).
        let reader = try LMDBProjectionStore(path: store, initialMapSize: 64 << 20)
        func expected() throws -> (outAndBack: [String], out: [String], moved: [String]) {
            let events = try reader.outboxRecords(after: nil, limit: .max).map { record in
                (
                    id: record.key.description,
                    rule: (try JSONSerialization.jsonObject(with: Data(record.payload)) as? [String: Any])?["rule_id"] as? String
                )
            }
            func ids(_ rules: Set<String>) -> [String] { events.filter { rules.contains($0.rule ?? "") }.map(\.id) }
            return (ids(["out", "back", "low"]), ids(["out"]), ids(["moved"]))
        }
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let (outAndBack, out, _) = try expected()
            let seen = Self.requests(log)
            let okDone = Set(seen.filter { $0.path == "/ok" }.map(\.id)).isSuperset(of: outAndBack)
            let flakyDone = Set(seen.filter { $0.path == "/flaky" && $0.status == 200 }.map(\.id)).isSuperset(of: outAndBack)
            let deadDone = try reader.eventStateValues(prefix: "wh/dead/dead/").count >= out.count
            let okBatchDone = Set(seen.filter { $0.path == "/ok/batch" }.flatMap(\.events)).isSuperset(of: outAndBack)
            let flakyBatchDone = Set(seen.filter { $0.path == "/flaky/batch" && $0.status == 200 }.flatMap(\.events)).isSuperset(of: outAndBack)
            let deadBatchDone = try reader.eventStateValues(prefix: "wh/dead/dead-batch/").count >= out.count
            let hangDone = try reader.eventStateValues(prefix: "wh/dead/hang/").count >= out.count
            let refusedDone = try reader.eventStateValues(prefix: "wh/dead/refused/").count >= out.count
            if okDone && flakyDone && deadDone && okBatchDone && flakyBatchDone && deadBatchDone && hangDone && refusedDone { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        stockd.process.terminate()
        stockd.process.waitUntilExit()
        let (outAndBack, out, moved) = try expected()
        #expect(out.count >= 1 && outAndBack.count >= 3, "the workload should fire events: \(out.count) out, \(outAndBack.count) in all")

        let seen = Self.requests(log)
        #expect(!seen.isEmpty)
        #expect(seen.allSatisfy { $0.verified }, "every signature must verify with standardwebhooks")
        // ok: each event at least once, in outbox order, nothing of other rules.
        let okIDs = seen.filter { $0.path == "/ok" }.map(\.id)
        #expect(Set(okIDs) == Set(outAndBack))
        var firstSeen: [String] = []
        for id in okIDs where !firstSeen.contains(id) { firstSeen.append(id) }
        #expect(firstSeen == outAndBack, "per subscription, events arrive in outbox order")
        // flaky: failed first attempts were retried with the same id until accepted.
        let flaky = seen.filter { $0.path == "/flaky" }
        #expect(Set(flaky.filter { $0.status == 200 }.map(\.id)) == Set(outAndBack))
        let failedFirst = flaky.filter { $0.status != 200 }
        #expect(!failedFirst.isEmpty, "the flaky receiver refuses some first attempts")
        #expect(failedFirst.allSatisfy { failed in flaky.contains { $0.id == failed.id && $0.status == 200 } })
        // dead: each event tried exactly max_attempts times, then dead-lettered.
        let dead = seen.filter { $0.path == "/dead" }
        #expect(Set(dead.map(\.id)) == Set(out))
        #expect(Dictionary(grouping: dead, by: \.id).values.allSatisfy { $0.count == 3 })
        let letters = try reader.eventStateValues(prefix: "wh/dead/dead/", limit: .max)
        #expect(Set(letters.map { String($0.key.dropFirst("wh/dead/dead/".count)) }) == Set(out))
        // shadow: nothing sent, each event recorded.
        #expect(!seen.contains { $0.path == "/shadow" })
        let shadowAudit = try reader.eventStateValues(prefix: "wh/audit/shadow/", limit: .max).compactMap {
            try JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any]
        }
        #expect(Set(shadowAudit.compactMap { $0["outcome"] as? String }) == ["shadow"])
        #expect(Set(shadowAudit.compactMap { $0["event_id"] as? String }) == Set(moved))
        // gone: one request, then the subscription is disabled.
        #expect(seen.filter { $0.path == "/gone" }.count == 1)
        #expect(try reader.eventStateValue("wh/disabled/gone") != nil)

        // Single-event subscriptions get objects, batch subscriptions arrays whose webhook-id is derived from the
        // first and last event ids.
        #expect(seen.filter { !$0.path.hasSuffix("/batch") }.allSatisfy { !$0.batch && $0.events == [$0.id] })
        let batches = seen.filter { $0.path.hasSuffix("/batch") }
        #expect(!batches.isEmpty && batches.allSatisfy { $0.batch && !$0.events.isEmpty })
        #expect(batches.allSatisfy { $0.id == "batch_\($0.events.first!.dropFirst(4))_\($0.events.last!.dropFirst(4))" })
        // ok-batch: every event exactly once, in outbox order, at most 4 a request, and some requests carried several.
        let okBatch = batches.filter { $0.path == "/ok/batch" }
        #expect(okBatch.flatMap(\.events) == outAndBack, "a batch subscription gets every event once, in order")
        #expect(okBatch.allSatisfy { $0.events.count <= 4 } && okBatch.contains { $0.events.count > 1 })
        // flaky-batch: a refused batch is sent again whole, under the same id, until accepted; in order.
        let flakyBatch = batches.filter { $0.path == "/flaky/batch" }
        #expect(flakyBatch.filter { $0.status == 200 }.flatMap(\.events) == outAndBack)
        let failedBatches = flakyBatch.filter { $0.status != 200 }
        #expect(!failedBatches.isEmpty || flakyBatch.count < 3, "the flaky receiver refuses some first attempts")
        #expect(failedBatches.allSatisfy { failed in flakyBatch.contains { $0.id == failed.id && $0.events == failed.events && $0.status == 200 } })
        // dead-batch: each batch tried max_attempts times, then each of its events is a dead letter of its own.
        let deadBatch = batches.filter { $0.path == "/dead/batch" }
        #expect(Set(deadBatch.flatMap(\.events)) == Set(out))
        #expect(Dictionary(grouping: deadBatch, by: \.id).values.allSatisfy { $0.count == 3 })
        let batchLetters = try reader.eventStateValues(prefix: "wh/dead/dead-batch/", limit: .max)
        #expect(Set(batchLetters.map { String($0.key.dropFirst("wh/dead/dead-batch/".count)) }) == Set(out))

        // A receiver that hangs past the response time-out (2 s), and a port nobody listens on: each attempt is
        // audited as such, retried up to the attempt limit, then every event is dead-lettered.
        for (id, outcome) in [("hang", "timeout"), ("refused", "connection_failed")] {
            let letters = try reader.eventStateValues(prefix: "wh/dead/\(id)/", limit: .max)
            #expect(Set(letters.map { String($0.key.dropFirst("wh/dead/\(id)/".count)) }) == Set(out), "\(id): every event dead-lettered")
            let audit = try reader.eventStateValues(prefix: "wh/audit/\(id)/", limit: .max).compactMap {
                try? JSONDecoder().decode(DeliveryAudit.self, from: Data($0.value))
            }
            let attempts = audit.filter { $0.outcome == outcome }
            #expect(attempts.count == 3, "\(id): three attempts audited as \(outcome): \(audit.map(\.outcome))")
            #expect(attempts.allSatisfy { $0.status == nil && $0.error != nil }, "\(id): no status, an error text")
            if id == "hang" {
                #expect(attempts.allSatisfy { ($0.latencyMilliseconds ?? 0) >= 1_900 }, "given up at the response time-out")
            }
        }
    }

    /// `http://127.0.0.1:<port>` of a port that was free a moment ago (bound, then closed): connections are refused.
    static func closedPortBase() -> String {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
    }
}

/// The tests' webhook receiver (`Support/webhook-receiver.py`: verifies every signature with the standardwebhooks
/// library and logs each request to `log`; `seed` decides which requests to `/chaos` fail). Callers `defer { receiver.stop() }`, which also keeps it alive to the
/// end of their scope.
final class WebhookReceiverProcess {
    let process = Process()
    /// `http://127.0.0.1:<port>`.
    let base: String

    init(secret: String, log: String, seed: UInt64 = 0) throws {
        process.executableURL = URL(fileURLWithPath: WebhookDeliveryTests.python)
        process.arguments = [WebhookDeliveryTests.receiverScript, secret, log, String(seed)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let portLine = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(portLine) else {
            Self.stop(process)
            throw ShellCommand.Failure(description: "receiver did not print its port: \(portLine)")
        }
        base = "http://127.0.0.1:\(port)"
    }

    /// Kills the receiver and reaps it.
    func stop() { Self.stop(process) }

    // SIGTERM does not stop the Python server reliably here; it holds no state worth a clean exit.
    private static func stop(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
