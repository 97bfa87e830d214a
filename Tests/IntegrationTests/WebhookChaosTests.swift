import Foundation
import LibPQ
import OdooFixtures
import OdooReplication
import StockCatalogue
import StockEvents
import StockProjection
import StockStorage
import TestSupport
import Testing

/// Webhooks under chaos: `stockd serve` with sold-out and back-in-stock rules (in total and per warehouse) and
/// one subscription to the real receiver, which fails a third of the requests (500, or the connection closed
/// without an answer; which ones is decided by a seed), while Odoo-like writes run and stockd is SIGKILLed at
/// random moments and restarted. A reference feed that is never killed evaluates the same rules on its own slot.
///
/// Then: every event of the reference's outbox was delivered (answered 200) at least once, nothing else was
/// sent, and every request's body is byte for byte the reference's event of its `webhook-id` (so a duplicate
/// carries the same id and the same content); events first arrived in outbox order; no dead letter; and per
/// (product, scope) the delivered `out_of_stock`/`back_in_stock` events alternate, the first one leaving the
/// state the oracles give before the writes and the last one agreeing with the oracles' final figures (the
/// SQL oracle for plain variants, `tools/odoo_kit_oracle.py` for kits).
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct WebhookChaosTests {
    /// Decides which requests the receiver fails; `STOCKD_TEST_CHAOS_SEED` overrides it (to replay a failure).
    static var seed: UInt64 { ProcessInfo.processInfo.environment["STOCKD_TEST_CHAOS_SEED"].flatMap { UInt64($0) } ?? 13 }
    static let rounds = 10

    /// One request as the receiver logged it.
    struct Request: Decodable {
        var path: String
        var id: String
        var verified: Bool
        /// The status answered; 0 when the connection was closed without an answer.
        var status: Int
        /// The body, base64.
        var body: String
    }

    /// A product in a scope: a warehouse, or the total when `warehouse` is `nil`.
    struct ProductScope: Hashable, CustomStringConvertible {
        var variant: Int32
        var warehouse: Int32?

        init(variant: Int32, warehouse: Int32?) {
            self.variant = variant
            self.warehouse = warehouse
        }

        init(_ event: StockEvent) {
            self.init(variant: event.product.variantID, warehouse: event.scope.kind == "warehouse" ? event.scope.warehouseID : nil)
        }

        var description: String { "variant \(variant) in " + (warehouse.map { "warehouse \($0)" } ?? "total") }
    }

    /// Whether each product is in stock (available above 0) in total and in each warehouse, from the oracles over
    /// the database as it is now; kits the oracle finds invalid are left out.
    static func inStock(_ database: TestDatabase, catalogue: OdooCatalogue) throws -> [ProductScope: Bool] {
        var result: [ProductScope: Bool] = [:]
        let kits = try KitOracleTests.oracle(database, version: .v17)
        let kitIDs = Set(kits.values.joined().map(\.variantID.rawValue))
        for (warehouse, list) in kits {
            for kit in list where kit.invalid == nil {
                result[ProductScope(variant: kit.variantID.rawValue, warehouse: warehouse?.rawValue)] =
                    try Quantity(parsing: kit.free ?? "0") > .zero
            }
        }
        let connection = try database.connect()
        let scopes: [(StockScope, Int32?)] = [(.everywhere, nil)] + catalogue.warehouses.map { (.warehouse($0.id), $0.id.rawValue) }
        for (scope, warehouse) in scopes {
            for row in try connection.execute(OdooOracle.query(scope)).rows {
                let variant = Int32(row[0]!)!
                guard !kitIDs.contains(variant) else { continue }
                let free = try Quantity(parsing: row[1] ?? "0") - Quantity(parsing: row[2] ?? "0")
                result[ProductScope(variant: variant, warehouse: warehouse)] = free > .zero
            }
        }
        return result
    }

    @Test func aFlakyReceiverAndSigkillsLoseNoEventAndDuplicatesAreIdentical() throws {
        #expect(FileManager.default.isExecutableFile(atPath: WebhookDeliveryTests.python), "no Python with standardwebhooks; run scripts/test.sh")
        let directory = TemporaryDirectory()
        let log = directory.path + "/requests.jsonl"
        let receiver = try WebhookReceiverProcess(secret: WebhookDeliveryTests.secret, log: log, seed: Self.seed)
        defer { receiver.stop() }
        let events = """
            {"rules": [
               {"id": "out", "products": "all", "condition": "out_of_stock"},
               {"id": "back", "products": "all", "condition": "back_in_stock"},
               {"id": "wh-out", "products": "all", "scope": "each_warehouse", "condition": "out_of_stock"},
               {"id": "wh-back", "products": "all", "scope": "each_warehouse", "condition": "back_in_stock"}
             ],
             "subscriptions": [
               {"id": "chaos", "url": "\(receiver.base)/chaos", "secret": "\(WebhookDeliveryTests.secret)",
                "rules": ["out", "back", "wh-out", "wh-back"]}
             ],
             "delivery": {"max_attempts": 40, "initial_backoff_ms": 5, "max_backoff_ms": 40, "connect_timeout_ms": 1000,
                          "response_timeout_ms": 2000}}
            """
        let rulesFile = directory.path + "/events.json"
        try events.write(toFile: rulesFile, atomically: true, encoding: .utf8)
        let rules = try RuleFile.load(path: rulesFile)

        let catalogue = OdooCatalogue(
            shape: CatalogueShape(variants: 40, warehouses: 2, shelvesPerWarehouse: 1, levelsPerVariant: 2, kits: 3, seed: 41))
        let database = try ReplicationFeedTests.prepare(.v17, catalogue: catalogue)
        // Little stock everywhere (0 to 8 units, nothing reserved), written before the reference's snapshot, so
        // that the writes that follow (1 to 10 units each) take figures across 0 often.
        var random = SeededGenerator(seed: 41)
        let low = catalogue.quants.map { quant in
            var quant = quant
            quant.quantity = Quantity(units: Int.random(in: 0...8, using: &random))
            quant.reserved = .zero
            return quant
        }
        var writer = OperationWriter(catalogue: catalogue, version: .v17, seed: 29)
        try writer.write(changes: low.map { .upsertQuant($0) }, to: database)
        writer.operations = OdooOperations(catalogue: catalogue, seed: 29, currentQuants: low)
        let reference = try EventCrashHarness.startReference(database: database, rules: rules)
        defer { reference.feed.stop() }
        let initially = try Self.inStock(database, catalogue: catalogue)

        let store = directory.path + "/store"
        let environment = EventCrashHarness.serveEnvironment(rulesFile: rulesFile)
        let first = try StockdProcess(database: database, store: store, environment: environment)
        try first.wait(for: "streaming") { $0.phase == "streaming" && $0.appliedLSN != nil }
        let writes = BackgroundOperationWriter(writer, to: database, batch: 5)
        defer { writes.stop() }
        let kills = try EventCrashHarness.killAtRandomMoments(rounds: Self.rounds, first: first) {
            try StockdProcess(database: database, store: store, environment: environment)
        }
        writes.stop()
        #expect(kills == Self.rounds)

        // A last instance, not killed, delivers the rest.
        let stockd = try StockdProcess(database: database, store: store, environment: environment)
        let target = try database.currentLSN()
        try stockd.waitUntilCaughtUp(with: database, to: target)
        try reference.waitUntilCaughtUp()
        let expected = try reference.store.outboxRecords(after: nil, limit: .max)
        let payloads = Dictionary(uniqueKeysWithValues: expected.map { ($0.key.description, $0.payload) })
        let deadline = Date().addingTimeInterval(40)
        while Date() < deadline {
            let delivered = Set(Self.requests(log).filter { $0.status == 200 }.map(\.id))
            if delivered.isSuperset(of: payloads.keys) { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stockd.process.terminate()
        stockd.process.waitUntilExit()
        let finally = try Self.inStock(database, catalogue: catalogue)

        // Deliveries: each reference event at least once, nothing else, every body the reference's bytes.
        let requests = Self.requests(log)
        #expect(expected.count >= 30, "the workload should fire events: \(expected.count) after \(writes.written) transactions")
        #expect(requests.allSatisfy { $0.verified }, "every signature must verify with standardwebhooks")
        let delivered = Set(requests.filter { $0.status == 200 }.map(\.id))
        let missing = expected.map(\.key.description).filter { !delivered.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) of \(expected.count) events never delivered, e.g. \(missing.prefix(3))")
        let unknown = Set(requests.map(\.id)).subtracting(payloads.keys)
        #expect(unknown.isEmpty, "sent events the reference does not have: \(unknown.sorted().prefix(3))")
        let altered = requests.filter { request in payloads[request.id].map { Data(base64Encoded: request.body) != Data($0) } ?? false }
        #expect(altered.isEmpty, "\(altered.count) requests carry other bytes than the event of their webhook-id, e.g. \(altered.first?.id ?? "")")
        var firstArrivals: [String] = []
        var seen: Set<String> = []
        for request in requests where seen.insert(request.id).inserted { firstArrivals.append(request.id) }
        #expect(firstArrivals == expected.map(\.key.description).filter(seen.contains), "events first arrive in outbox order")
        let reader = try LMDBProjectionStore(path: store, initialMapSize: 64 << 20)
        #expect(try reader.eventStateValues(prefix: "wh/dead/chaos/").isEmpty, "no dead letter")
        // The chaos happened: failed answers and dropped connections, and retries of them.
        let failed = requests.filter { $0.status == 500 }.count
        let dropped = requests.filter { $0.status == 0 }.count
        let duplicates = requests.count - seen.count
        let acceptedTwice = Dictionary(grouping: requests.filter { $0.status == 200 }, by: \.id).values.filter { $0.count > 1 }.count
        #expect(failed > 0 && dropped > 0, "the receiver failed \(failed) requests with 500 and dropped \(dropped) of \(requests.count)")
        #expect(duplicates >= failed + dropped, "each failed request was sent again")

        // Per (product, scope): the delivered sequence alternates, from the oracles' state before to theirs after.
        var sequences: [ProductScope: [String]] = [:]
        for id in firstArrivals {
            let event = try StockEvent.decode(payloads[id]!)
            sequences[ProductScope(event), default: []].append(event.type)
        }
        var checked = 0
        var problems: [String] = []
        for (product, before) in initially {
            guard let after = finally[product] else { continue }
            let types = sequences[product] ?? []
            checked += 1
            var state: Bool? = before
            for type in types {
                guard let current = state, type == (current ? "out_of_stock" : "back_in_stock") else {
                    state = nil
                    break
                }
                state = !current
            }
            if state != after {
                problems.append("\(product): \(types) from \(before ? "in" : "out of") stock; the oracle ends \(after ? "in" : "out of") stock")
            }
        }
        let unchecked = Set(sequences.keys).subtracting(initially.keys)
        #expect(unchecked.isEmpty, "events of products the oracles do not know: \(unchecked.prefix(3))")
        #expect(checked > 100 && sequences.values.contains { $0.count >= 3 })
        #expect(problems.isEmpty, "\(problems.count) sequences disagree, e.g. \(problems.prefix(3))")
        print(
            "webhook chaos (seed \(Self.seed)): \(writes.written) transactions, \(kills) kills, \(expected.count) events, "
                + "\(requests.count) requests (\(failed) answered 500, \(dropped) dropped, \(duplicates) repeats, "
                + "\(acceptedTwice) events accepted twice), \(checked) product scopes checked")
    }

    static func requests(_ log: String) -> [Request] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }
}
