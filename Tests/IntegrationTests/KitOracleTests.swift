import Foundation
import OdooFixtures
import OdooReplication
import StockCatalogue
import StockProjection
import TestSupport
import Testing

/// Kits (phantom BoMs) against the independent Python reference `tools/odoo_kit_oracle.py`, which reads the same
/// database: a catalogue with kits, the live feed, random operations including BoM edits, then every kit's on-hand
/// and free quantity for the whole company and for each warehouse, for Odoo 16, 17 and 18.
@Suite(.serialized, .enabled(if: TestDatabase.isAvailable, "needs STOCKD_TEST_PGPORT (scripts/test.sh starts PostgreSQL)"))
struct KitOracleTests {
    /// The repository root, found from this file's path (Tests/IntegrationTests/KitOracleTests.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    struct OracleKit {
        var variantID: VariantID
        var onHand: String?
        var free: String?
        var invalid: String?
    }

    /// Runs the oracle; returns the kits per scope (`nil` key: the whole company; otherwise a warehouse id).
    static func oracle(_ database: TestDatabase, version: OdooVersion) throws -> [WarehouseID?: [OracleKit]] {
        func run(_ extra: String) throws -> [String: Any] {
            let output = NSTemporaryDirectory() + "stockd-kit-oracle-\(UUID().uuidString).json"
            defer { try? FileManager.default.removeItem(atPath: output) }
            let command =
                "python3 '\(repositoryRoot)/tools/odoo_kit_oracle.py' --dsn '\(database.dsn)' --odoo-version \(version.major) \(extra) > '\(output)'"
            try ShellCommand.run(["/bin/sh", "-c", command])
            let data = try Data(contentsOf: URL(fileURLWithPath: output))
            return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
        func kits(_ list: Any?) -> [OracleKit] {
            ((list as? [[String: Any]]) ?? []).map { kit in
                OracleKit(
                    variantID: VariantID(Int32((kit["variant_id"] as? Int) ?? 0)),
                    onHand: kit["on_hand"].flatMap { "\($0)" }, free: kit["free"].flatMap { "\($0)" }, invalid: kit["invalid"] as? String
                )
            }
        }
        var result: [WarehouseID?: [OracleKit]] = [:]
        result[nil] = kits(try run("")["kits"])
        for warehouse in (try run("--all-warehouses")["warehouses"] as? [[String: Any]]) ?? [] {
            result[WarehouseID(Int32((warehouse["id"] as? Int) ?? 0))] = kits(warehouse["kits"])
        }
        return result
    }

    @Test(arguments: OdooVersion.allCases)
    func kitFiguresEqualOdoo(version: OdooVersion) throws {
        let catalogue = OdooCatalogue(
            shape: CatalogueShape(variants: 600, warehouses: 2, shelvesPerWarehouse: 1, levelsPerVariant: 3, kits: 20, seed: 5))
        #expect(catalogue.boms.contains { $0.isKit && $0.variantID == nil })
        #expect(!catalogue.bomLineValueLinks.isEmpty)
        let database = try ReplicationFeedTests.prepare(version, catalogue: catalogue)
        var writer = OperationWriter(catalogue: catalogue, version: version, seed: UInt64(version.major) + 100)
        try writer.write(100, to: database)

        let harness = try FeedHarness(database: database, settings: ProjectionSettings(kitRules: KitRules(odooVersion: version.major)))
        harness.feed.start()
        defer { harness.feed.stop() }
        try writer.write(1_500, to: database)
        // Make sure the feed sees every kind of BoM edit, whatever the random draws gave.
        for _ in 0..<30 {
            let edit = writer.operations.next(.bomEdit)
            try writer.write(changes: edit.changes, to: database)
        }
        try harness.waitUntilCaughtUp()
        #expect(harness.feed.status.unexpectedRows == 0)

        let snapshot = harness.projection.snapshot()
        let oracle = try Self.oracle(database, version: version)
        #expect(oracle.count == 1 + catalogue.warehouses.count)
        let oracleInvalid = Set((oracle[nil] ?? []).filter { $0.invalid != nil }.map(\.variantID))
        #expect(Set(snapshot.invalidKits.map(\.kitID)) == oracleInvalid)
        var compared = 0
        var mismatches = 0
        for (warehouse, kits) in oracle {
            let scope: StockScope = warehouse.map { .warehouse($0) } ?? .everywhere
            let resolved = try snapshot.resolve(scope)
            #expect(!kits.isEmpty)
            for kit in kits {
                #expect(snapshot.isKit(kit.variantID), "\(kit.variantID) is a kit in Odoo \(version)")
                guard kit.invalid == nil else { continue }
                let onHand = try Quantity(parsing: kit.onHand ?? "0")
                let free = try Quantity(parsing: kit.free ?? "0")
                let figures = snapshot.figures(for: kit.variantID, in: resolved)
                compared += 1
                if figures.onHand != onHand || figures.free != free {
                    mismatches += 1
                    if mismatches <= 5 {
                        Issue.record(
                            "kit \(kit.variantID) in \(scope), Odoo \(version): stockd \(figures.onHand)/\(figures.free), oracle \(onHand)/\(free)")
                    }
                }
            }
        }
        #expect(compared > 20)
        #expect(mismatches == 0, "\(mismatches) of \(compared) kit figures differ")
    }
}
