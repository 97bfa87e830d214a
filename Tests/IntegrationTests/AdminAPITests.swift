import Foundation
import OdooFixtures
import PostgresReplicationWire
import StockCatalogue
import StockProjection
import StockStorage
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The admin API end to end: `stockd serve` with admin and read tokens, a real receiver verifying every signature
/// with `standardwebhooks`, Odoo-like writes in PostgreSQL. A rule created through the API fires at the next
/// commit and is delivered and audited (with the token's name); a pause queues and a resume delivers in order; a
/// subscription created through the API dead-letters after the attempt limit and a redelivery delivers the dead
/// letters; a replay re-sends from an event id (410 before the outbox's oldest); the rule survives a restart.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct AdminAPITests {
    static let admin = "adm-token-0123456789"
    static let reader = "read-token-0123456789"

    /// One HTTP exchange with curl: the status and the body.
    static func call(_ method: String, _ url: String, token: String?, body: String? = nil) -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-s", "--max-time", "10", "-X", method, "-w", "\n%{http_code}", url]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (0, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let newline = text.lastIndex(of: "\n") else { return (0, text) }
        return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]))
    }

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    static func applied(_ base: String) -> UInt64? {
        let answer = call("GET", base + "/v1/status", token: reader)
        guard answer.status == 200, let feed = object(answer.body)["feed"] as? [String: Any], let text = feed["applied_lsn"] as? String else {
            return nil
        }
        return LSN(text)?.rawValue
    }

    static func waitUntil(_ what: String, timeout: Double = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ShellCommand.Failure(description: "timed out after \(timeout) s waiting for \(what)")
    }

    @Test func rulesAndSubscriptionsChangeAtRuntimeAuditedPausedRedeliveredAndReplayed() throws {
        #expect(FileManager.default.isExecutableFile(atPath: WebhookDeliveryTests.python), "no Python with standardwebhooks; run scripts/test.sh")
        let secret = WebhookDeliveryTests.secret
        let directory = TemporaryDirectory()
        let log = directory.path + "/requests.jsonl"
        let receiver = try WebhookReceiverProcess(secret: secret, log: log)
        defer { receiver.stop() }
        let hooks = receiver.base

        // The file: no rules, one subscription to the API's rule-to-be.
        let rulesFile = directory.path + "/events.json"
        try """
        {"rules": [],
         "subscriptions": [{"id": "ok", "url": "\(hooks)/ok", "secret": "\(secret)", "rules": ["api-moved"]}],
         "delivery": {"max_attempts": 2, "initial_backoff_ms": 10, "max_backoff_ms": 40, "response_timeout_ms": 2000}}
        """.write(toFile: rulesFile, atomically: true, encoding: .utf8)

        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 60, warehouses: 2, shelvesPerWarehouse: 2, levelsPerVariant: 2, seed: 9))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        _ = try FeedHarness(database: database)
        let store = directory.path + "/store"
        let environment = [
            "STOCKD_EVENTS_RULES_FILE": rulesFile, "STOCKD_QUARANTINE_NAME_PATTERNS": "", "STOCKD_QUARANTINE_WAREHOUSE_QC_LOCATIONS": "false",
            "STOCKD_HTTP_TOKENS": "\(Self.admin):admin:ops-alice;\(Self.reader):read",
        ]
        var stockd = try StockdProcess(database: database, store: store, environment: environment)
        var base = stockd.base
        try Self.waitUntil("stockd streaming", timeout: 60) { Self.applied(base) != nil }
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 41)
        func writeAndWait(_ count: Int) throws {
            try writer.write(count, to: database)
            let target = try database.currentLSN()
            try Self.waitUntil("the writes applied", timeout: 60) { (Self.applied(base) ?? 0) >= target || database.slotConfirmedLSN() >= target }
        }
        let reader = try LMDBProjectionStore(path: store, initialMapSize: 64 << 20)
        func outboxIDs() throws -> [String] { try reader.outboxRecords(after: nil, limit: .max).map(\.key.description) }

        // No rule yet: writes fire nothing.
        try writeAndWait(10)
        #expect(try outboxIDs().isEmpty)

        // Auth: no token 401, a read token 403, both problem+json.
        let rule = #"{"id": "api-moved", "products": "all", "scope": "each_warehouse", "figure": "on_hand", "condition": "changed"}"#
        #expect(Self.call("POST", base + "/v1/admin/rules", token: nil, body: rule).status == 401)
        #expect(Self.call("POST", base + "/v1/admin/rules", token: Self.reader, body: rule).status == 403)
        let created = Self.call("POST", base + "/v1/admin/rules", token: Self.admin, body: rule)
        #expect(created.status == 201, "\(created.body)")
        #expect(Self.object(created.body)["source"] as? String == "api")

        // The next commit evaluates it: events fire and are delivered.
        try writeAndWait(10)
        let firstEvents = try outboxIDs()
        #expect(!firstEvents.isEmpty, "the rule created through the API must fire at the next commits")
        try Self.waitUntil("the first events delivered") {
            Set(WebhookDeliveryTests.requests(log).filter { $0.path == "/ok" && $0.status == 200 }.map(\.id)).isSuperset(of: firstEvents)
        }
        // Audited: who, what, before and after.
        let ruleAudit = Self.object(Self.call("GET", base + "/v1/admin/audit?kind=rule", token: Self.admin).body)["entries"] as? [[String: Any]] ?? []
        #expect(ruleAudit.count == 1)
        #expect(ruleAudit.first?["actor"] as? String == "ops-alice")
        #expect(ruleAudit.first?["action"] as? String == "create")
        #expect(ruleAudit.first?["before"] is NSNull)
        #expect((ruleAudit.first?["after"] as? [String: Any])?["id"] as? String == "api-moved")

        // Pause: events queue; resume: they are delivered, in outbox order.
        #expect(Self.call("POST", base + "/v1/admin/subscriptions/ok/pause", token: Self.admin).status == 200)
        let sentBeforePause = WebhookDeliveryTests.requests(log).filter { $0.path == "/ok" }.count
        try writeAndWait(10)
        let queued = try outboxIDs().filter { !firstEvents.contains($0) }
        #expect(!queued.isEmpty)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(WebhookDeliveryTests.requests(log).filter { $0.path == "/ok" }.count == sentBeforePause, "a paused subscription sends nothing")
        let paused = Self.object(Self.call("GET", base + "/v1/admin/subscriptions/ok", token: Self.admin).body)
        #expect(paused["mode"] as? String == "paused")
        #expect(paused["queue_depth"] as? Int == queued.count)
        #expect(Self.call("POST", base + "/v1/admin/subscriptions/ok/resume", token: Self.admin).status == 200)
        try Self.waitUntil("the queued events delivered") {
            Set(WebhookDeliveryTests.requests(log).filter { $0.path == "/ok" && $0.status == 200 }.map(\.id)).isSuperset(of: queued)
        }
        var order: [String] = []
        for request in WebhookDeliveryTests.requests(log) where request.path == "/ok" && !order.contains(request.id) { order.append(request.id) }
        #expect(order == (firstEvents + queued), "per subscription, events arrive in outbox order")

        // One transaction that fires more than ten events (their ids' indexes go past 9, where text order and
        // outbox order part).
        try database.runScript("UPDATE stock_quant SET quantity = quantity + 1 WHERE id IN (SELECT id FROM stock_quant ORDER BY id LIMIT 40);")
        let bigTransaction = try database.currentLSN()
        try Self.waitUntil("the big transaction applied", timeout: 60) {
            (Self.applied(base) ?? 0) >= bigTransaction || database.slotConfirmedLSN() >= bigTransaction
        }

        // Subscriptions created through the API (one of single events, one of batches of 3): dead letters after
        // the attempt limit, then redelivered.
        let all = try outboxIDs()
        #expect(all.contains { $0.hasSuffix("_10") }, "a transaction with more than ten events")
        let later = #"{"id": "later", "url": "\#(hooks)/later", "secret": "\#(secret)", "rules": ["api-moved"]}"#
        #expect(Self.call("POST", base + "/v1/admin/subscriptions", token: Self.admin, body: later).status == 201)
        #expect(Self.call("POST", base + "/v1/admin/subscriptions", token: Self.admin, body: later).status == 409)
        let laterBatch = #"{"id": "later-batch", "url": "\#(hooks)/later/batch", "secret": "\#(secret)", "rules": ["api-moved"], "batch_size": 3}"#
        #expect(Self.call("POST", base + "/v1/admin/subscriptions", token: Self.admin, body: laterBatch).status == 201)
        try Self.waitUntil("dead letters") { try reader.eventStateValues(prefix: "wh/dead/later/").count == all.count }
        try Self.waitUntil("batch dead letters") { try reader.eventStateValues(prefix: "wh/dead/later-batch/").count == all.count }
        #expect(Dictionary(grouping: WebhookDeliveryTests.requests(log).filter { $0.path == "/later" }, by: \.id).values.allSatisfy { $0.count == 2 })
        let letters = Self.object(Self.call("GET", base + "/v1/admin/subscriptions/later/dead-letters?limit=1000", token: Self.admin).body)
        #expect(Set((letters["dead_letters"] as? [[String: Any]])?.compactMap { $0["event_id"] as? String } ?? []) == Set(all))
        #expect(FileManager.default.createFile(atPath: log + ".later-ok", contents: Data()))
        let one = Self.call("POST", base + "/v1/admin/subscriptions/later/dead-letters/redeliver?event_id=\(all[0])", token: Self.admin)
        #expect(Self.object(one.body)["queued"] as? [String] == [all[0]])
        #expect(Self.call("POST", base + "/v1/admin/subscriptions/later/dead-letters/redeliver", token: Self.admin).status == 200)
        try Self.waitUntil("the dead letters redelivered") {
            Set(WebhookDeliveryTests.requests(log).filter { $0.path == "/later" && $0.status == 200 }.map(\.id)) == Set(all)
        }
        try Self.waitUntil("the dead-letter queue emptied") { try reader.eventStateValues(prefix: "wh/dead/later/").isEmpty }
        // The batch subscription's dead letters, redelivered all at once: in batches of at most 3, each signed as
        // one message, every event once and in outbox order.
        let failedBatches = WebhookDeliveryTests.requests(log).filter { $0.path == "/later/batch" }
        #expect(failedBatches.allSatisfy { $0.status == 500 && $0.batch })
        #expect(Dictionary(grouping: failedBatches, by: \.id).values.allSatisfy { $0.count == 2 }, "each batch tried max_attempts times")
        #expect(Self.call("POST", base + "/v1/admin/subscriptions/later-batch/dead-letters/redeliver", token: Self.admin).status == 200)
        try Self.waitUntil("the batch dead letters redelivered") {
            try reader.eventStateValues(prefix: "wh/dead/later-batch/").isEmpty
                && Set(WebhookDeliveryTests.requests(log).filter { $0.path == "/later/batch" && $0.status == 200 }.flatMap(\.events)) == Set(all)
        }
        let redelivered = WebhookDeliveryTests.requests(log).filter { $0.path == "/later/batch" && $0.status == 200 }
        #expect(redelivered.flatMap(\.events) == all, "redelivered batches carry every event once, in outbox order")
        #expect(redelivered.allSatisfy { $0.verified && $0.batch && (1...3).contains($0.events.count) })
        #expect(redelivered.allSatisfy { $0.id == "batch_\($0.events.first!.dropFirst(4))_\($0.events.last!.dropFirst(4))" })

        // Replay from an event id: that event and every later one are sent again, in order.
        let from = all[all.count / 2]
        let sentBeforeReplay = WebhookDeliveryTests.requests(log).filter { $0.path == "/ok" }.count
        let replay = Self.call("POST", base + "/v1/admin/subscriptions/ok/replay?from_event_id=\(from)", token: Self.admin)
        #expect(replay.status == 200, "\(replay.body)")
        let expectedAgain = Array(all[(all.count / 2)...])
        try Self.waitUntil("the replay delivered") {
            WebhookDeliveryTests.requests(log).filter { $0.path == "/ok" }.count >= sentBeforeReplay + expectedAgain.count
        }
        let again = WebhookDeliveryTests.requests(log).filter { $0.path == "/ok" }.dropFirst(sentBeforeReplay).map(\.id)
        #expect(Array(again.prefix(expectedAgain.count)) == expectedAgain)
        let tooOld = Self.call("POST", base + "/v1/admin/subscriptions/ok/replay?from_event_id=evt_0000000000000001_0", token: Self.admin)
        #expect(tooOld.status == 410)
        #expect(WebhookDeliveryTests.requests(log).allSatisfy { $0.verified })

        // The subscription audit names the token too; the delivery audit is paginated.
        let subscriptionAudit =
            Self.object(Self.call("GET", base + "/v1/admin/audit?kind=subscription", token: Self.admin).body)["entries"] as? [[String: Any]] ?? []
        #expect(
            subscriptionAudit.compactMap { $0["action"] as? String } == [
                "replay", "redeliver", "redeliver", "redeliver", "create", "create", "resume", "pause",
            ])
        #expect(subscriptionAudit.allSatisfy { $0["actor"] as? String == "ops-alice" })
        let page = Self.object(Self.call("GET", base + "/v1/admin/audit?kind=delivery&subscription=later&limit=2", token: Self.admin).body)
        #expect((page["entries"] as? [Any])?.count == 2)
        let cursor = try #require(page["next"] as? String)
        let nextPage = Self.object(
            Self.call("GET", base + "/v1/admin/audit?kind=delivery&subscription=later&limit=2&before=\(cursor)", token: Self.admin).body)
        #expect((nextPage["entries"] as? [Any])?.count == 2)

        // The rule and the subscription survive a restart.
        stockd.process.terminate()
        stockd.process.waitUntilExit()
        stockd = try StockdProcess(database: database, store: store, environment: environment)
        base = stockd.base
        try Self.waitUntil("stockd back", timeout: 60) { Self.applied(base) != nil }
        let rules = Self.object(Self.call("GET", base + "/v1/admin/rules", token: Self.admin).body)["rules"] as? [[String: Any]] ?? []
        #expect(rules.compactMap { $0["id"] as? String } == ["api-moved"])
        let subscriptions =
            Self.object(Self.call("GET", base + "/v1/admin/subscriptions", token: Self.admin).body)["subscriptions"] as? [[String: Any]] ?? []
        #expect(subscriptions.compactMap { $0["id"] as? String } == ["ok", "later", "later-batch"])
        let before = try outboxIDs().count
        try writeAndWait(5)
        #expect(try outboxIDs().count > before, "the stored rule fires after the restart")
        stockd.process.terminate()
        stockd.process.waitUntilExit()
    }
}
