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

/// Stock events and their outbox under SIGKILL: `stockd serve` with rules is killed at random moments while Odoo
/// writes, and restarted; a second, never-killed feed on its own slot evaluates the same rules on the same WAL.
/// After both caught up, the killed store's outbox holds exactly the reference's events: each once, with the same
/// ids and the same content.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct EventOutboxCrashTests {
    static let rulesJSON = """
        {"rules": [
          {"id": "out", "products": "all", "condition": "out_of_stock"},
          {"id": "back", "products": "all", "condition": "back_in_stock"},
          {"id": "wh-on-hand", "products": "all", "scope": "each_warehouse", "figure": "on_hand", "condition": "changed"},
          {"id": "low", "products": "all", "figure": "free", "condition": "low_stock", "threshold": 3}
        ]}
        """

    @Test func sigkillDuringIngestKeepsEachEventExactlyOnceWithTheSameIDs() throws {
        let catalogue = OdooCatalogue(shape: CatalogueShape(variants: 400, warehouses: 2, shelvesPerWarehouse: 2, levelsPerVariant: 2, seed: 31))
        let database = try ReplicationFeedTests.prepare(.v18, catalogue: catalogue)
        let directory = TemporaryDirectory()
        let rulesFile = directory.path + "/rules.json"
        try Self.rulesJSON.write(toFile: rulesFile, atomically: true, encoding: .utf8)
        let rules = try RuleFile.load(path: rulesFile)

        // The reference: never killed, on a slot of its own, created (with its snapshot) before any write.
        let reference = try EventCrashHarness.startReference(database: database, rules: rules)
        defer { reference.feed.stop() }

        let store = directory.path + "/store"
        let environment = EventCrashHarness.serveEnvironment(rulesFile: rulesFile)
        let stockd = try StockdProcess(database: database, store: store, environment: environment)
        try stockd.wait(for: "streaming") { $0.phase == "streaming" && $0.appliedLSN != nil }

        let writes = BackgroundOperationWriter(OperationWriter(catalogue: catalogue, version: .v18, seed: 17), to: database)
        defer { writes.stop() }
        let kills = try EventCrashHarness.killAtRandomMoments(rounds: 8, first: stockd) {
            try StockdProcess(database: database, store: store, environment: environment)
        }
        writes.stop()
        #expect(kills == 8)
        #expect(writes.written > 30)

        // Restart once more, in process, with the same rules, and let both catch up.
        let restarted = try FeedHarness(database: database, storePath: store)
        restarted.projection.setTransactionObserver(EventEvaluator(rules: rules))
        restarted.feed.start()
        try restarted.waitUntilCaughtUp()
        try reference.waitUntilCaughtUp()
        restarted.feed.stop()
        reference.feed.stop()

        let expected = try reference.store.outboxRecords(after: nil, limit: .max)
        let actual = try restarted.store.outboxRecords(after: nil, limit: .max)
        #expect(expected.count > 50, "the workload should fire events")
        #expect(actual.count == expected.count)
        #expect(actual.map(\.key.description) == expected.map(\.key.description))
        let mismatched = zip(actual, expected).filter { $0.payload != $1.payload }
        let example = mismatched.first.map { String(decoding: $0.0.payload, as: UTF8.self) + " vs " + String(decoding: $0.1.payload, as: UTF8.self) }
        #expect(mismatched.isEmpty, "\(mismatched.count) events differ, e.g. \(example ?? "")")
        // Ids inside the payloads are the keys, and the types the rules name.
        let events = try actual.map { try StockEvent.decode($0.payload) }
        #expect(events.map(\.id) == actual.map(\.key.description))
        #expect(Set(events.map(\.type)).isSubset(of: ["out_of_stock", "back_in_stock", "changed", "low_stock"]))
    }
}
