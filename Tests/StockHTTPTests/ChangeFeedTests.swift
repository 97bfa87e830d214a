import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockCatalogue
import StockProjection
import Testing

@testable import StockHTTP

/// `GET /v1/changes?since=CURSOR`.
@Suite struct ChangeFeedTests {
    static func transaction(_ position: UInt64, _ changes: [StockChange]) -> SourceTransaction {
        SourceTransaction(checkpoint: Checkpoint(position: position, commitTime: HTTPFixtures.commitTime + Int64(position)), changes: changes)
    }

    @Test func entriesCarryTheirFullCurrentFiguresAndTheNextCursor() async throws {
        let projection = try HTTPFixtures.projection()
        let start = projection.snapshot().changeCursor
        try projection.apply([
            Self.transaction(0x1000_0000, [HTTPFixtures.quant(2, HTTPFixtures.chair, HTTPFixtures.shelf1, "3", reserved: "1")]),
            Self.transaction(0x1000_0001, [.deleteQuant(QuantID(5)), HTTPFixtures.quant(20, HTTPFixtures.lamp, HTTPFixtures.whQC, "2.25")]),
            Self.transaction(0x1000_0002, [HTTPFixtures.quant(2, HTTPFixtures.chair, HTTPFixtures.shelf1, "4", reserved: "1")]),
        ])
        try await withAPI(projection: projection) { client in
            let response = try await client.execute(uri: "/v1/changes?since=\(start)", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] != nil)
            let json = try response.json()
            #expect(json.keys == ["as_of", "items", "next_cursor", "has_more"])
            let items = json["items"]?.array ?? []
            #expect(items.map { $0["variant_id"]?.int } == [100, 101, 103])  // the chair's two changes are one entry
            let chair = items[0]
            #expect(
                chair.keys == [
                    "variant_id", "sku", "barcode", "template_id", "kit", "location_id", "location", "warehouse", "warehouse_id",
                    "on_hand", "reserved", "free", "quarantined", "available",
                ]
            )
            #expect(chair["location"]?.string == "WH/Stock/Shelf 1")
            #expect(chair["warehouse"]?.string == "WH")
            #expect(chair["on_hand"]?.number == "4")  // the latest figures, not a delta
            #expect(chair["reserved"]?.number == "1")
            #expect(chair["available"]?.number == "3")
            let desk = items[1]
            #expect(desk["location_id"]?.int == 11)
            #expect(desk["on_hand"]?.number == "0")  // its quant was deleted
            let lamp = items[2]
            #expect(lamp["quarantined"]?.number == "2.25")
            #expect(lamp["available"]?.number == "0")
            #expect(json["has_more"]?.bool == false)
            let next = try #require(json["next_cursor"]?.string)
            #expect(next == json["as_of"]?["change_cursor"]?.string)
            #expect(json["as_of"]?["lsn"]?.string == "0/10000002")

            // Nothing new: an empty page with the same cursor.
            let idle = try await client.execute(uri: "/v1/changes?since=\(next)", method: .get).json()
            #expect(idle["items"]?.array == [])
            #expect(idle["next_cursor"]?.string == next)
        }
    }

    /// The pages, in order, equal what a model built from the applied row changes (not from the change log)
    /// says they must be: every changed pair in the order it changed, each at most once per page.
    @Test func pagingWithLimitVisitsEveryChangeOnce() async throws {
        let (projection, catalogue) = try HTTPFixtures.catalogueProjection(kits: 0)
        let start = projection.snapshot().changeCursor
        var operations = OdooOperations(catalogue: catalogue)
        // The model: which (variant, location) pairs each quant row change touches, in order.
        var quants: [QuantID: (variant: VariantID, location: LocationID)] = [:]
        for change in catalogue.allChanges { if case .upsertQuant(let quant) = change { quants[quant.id] = (quant.variantID, quant.locationID) } }
        var touched: [(variant: VariantID, location: LocationID)] = []
        for _ in 0..<40 {
            let transaction = operations.next()
            try projection.apply([transaction])
            for change in transaction.changes {
                switch change {
                case .upsertQuant(let quant):
                    if let old = quants[quant.id], old.variant != quant.variantID || old.location != quant.locationID { touched.append(old) }
                    touched.append((quant.variantID, quant.locationID))
                    quants[quant.id] = (quant.variantID, quant.locationID)
                case .deleteQuant(let id):
                    if let old = quants.removeValue(forKey: id) { touched.append(old) }
                default:
                    break
                }
            }
        }
        let snapshot = projection.snapshot()
        // Without filters the feed covers every active warehouse, as totals do.
        // Without a scope: internal locations of active warehouses (not Partners, Scrap, Inventory adjustment).
        let internalLocations = Set(catalogue.locations.filter { $0.usage == .internal }.map(\.id))
        let inScope = touched.filter { pair in
            internalLocations.contains(pair.location)
                && (snapshot.warehouse(containing: pair.location).flatMap { snapshot.warehouse($0) }?.active ?? false)
        }
        var expected: [[String]] = []
        var index = 0
        while index < inScope.count {
            var page: [String] = []
            while index < inScope.count {
                let pair = "\(inScope[index].variant.rawValue)@\(inScope[index].location.rawValue)"
                if !page.contains(pair) {
                    if page.count == 3 { break }
                    page.append(pair)
                }
                index += 1
            }
            expected.append(page)
        }
        #expect(expected.joined().count > 10)
        let expectedPages = expected
        try await withAPI(projection: projection) { client in
            var cursor = String(start)
            var pages: [[String]] = []
            var hasMore = true
            while hasMore {
                let json = try await client.execute(uri: "/v1/changes?since=\(cursor)&limit=3", method: .get).json()
                let items = json["items"]?.array ?? []
                var page: [String] = []
                for item in items {
                    page.append("\(item["variant_id"]?.int ?? 0)@\(item["location_id"]?.int ?? 0)")
                    let figures = SnapshotReader(snapshot: snapshot).figures(
                        of: VariantID(Int32(try #require(item["variant_id"]?.int))),
                        atExactly: LocationID(Int32(try #require(item["location_id"]?.int)))
                    )
                    #expect(item["on_hand"]?.quantity == figures.onHand)
                    #expect(item["reserved"]?.quantity == figures.reserved)
                }
                if !page.isEmpty { pages.append(page) }
                cursor = try #require(json["next_cursor"]?.string)
                hasMore = json["has_more"]?.bool ?? false
            }
            #expect(pages == expectedPages)
            #expect(cursor == String(snapshot.changeCursor))
        }
    }

    @Test func filtersByWarehouseAndLocation() async throws {
        let projection = try HTTPFixtures.projection()
        let start = projection.snapshot().changeCursor
        try projection.apply([
            Self.transaction(
                0x1000_0000,
                [
                    HTTPFixtures.quant(2, HTTPFixtures.chair, HTTPFixtures.shelf1, "3"),
                    HTTPFixtures.quant(6, HTTPFixtures.desk2, HTTPFixtures.euStock, "1"),
                    HTTPFixtures.quant(4, HTTPFixtures.chair, HTTPFixtures.loose, "5"),
                ])
        ])
        try await withAPI(projection: projection) { client in
            func variants(_ filter: String) async throws -> [Int?] {
                try await client.execute(uri: "/v1/changes?since=\(start)\(filter)", method: .get).json()["items"]?.array.map {
                    $0["variant_id"]?.int
                } ?? []
            }
            #expect(try await variants("") == [100, 102])  // not the loose location's: it counts for no total
            #expect(try await variants("&warehouse=EU") == [102])
            #expect(try await variants("&location=WH%2FStock") == [100])
            #expect(try await variants("&location=30&warehouse=2") == [102, 100])
            try await client.execute(uri: "/v1/changes?since=\(start)&warehouse=XX", method: .get).problem(.notFound, slug: "unknown-warehouse")
        }
    }

    /// Without a scope the feed covers exactly what totals count (every active warehouse), so a channel that
    /// upserts entries by (variant, location) and sums a plain variant's entries gets its totals; vendors,
    /// customers, scrap and inventory adjustment (where Odoo keeps quants too) never appear.
    @Test func theUnscopedFeedCoversExactlyWhatTotalsCount() async throws {
        let (projection, catalogue) = try HTTPFixtures.catalogueProjection(variants: 300)
        var operations = OdooOperations(catalogue: catalogue)
        for _ in 0..<300 { try projection.apply([operations.next()]) }
        let snapshot = projection.snapshot()
        let outside = try snapshot.changes(after: 0, limit: .max).changes.filter { snapshot.warehouse(containing: $0.locationID) == nil }
        #expect(!outside.isEmpty, "the operations must touch locations outside every warehouse for this test to mean anything")
        try await withAPI(projection: projection) { client in
            var entries: [String: JSONValue] = [:]
            var cursor = "0"
            var hasMore = true
            var pages = 0
            while hasMore && pages < 1_000 {
                let json = try await client.execute(uri: "/v1/changes?since=\(cursor)&limit=5000", method: .get).json()
                for item in json["items"]?.array ?? [] {
                    #expect(item["warehouse"]?.string != nil, "\(item)")
                    entries["\(item["variant_id"]?.int ?? 0)@\(item["location_id"]?.int ?? 0)"] = item
                }
                cursor = try #require(json["next_cursor"]?.string)
                hasMore = json["has_more"]?.bool ?? false
                pages += 1
            }
            #expect(!hasMore)
            let plain = Dictionary(grouping: entries.values.filter { $0["kit"]?.bool == false }) { $0["variant_id"]?.int ?? 0 }
            #expect(plain.count > 50)
            for (variant, items) in plain.sorted(by: { $0.key < $1.key }).prefix(400) {
                let total = try await client.execute(uri: "/v1/availability?variant_id=\(variant)", method: .get).json()["items"]?[0]
                for figure in ["on_hand", "reserved", "free", "quarantined"] {
                    let sum = items.reduce(Quantity.zero) { $0 + ($1[figure]?.quantity ?? .zero) }
                    #expect(sum == total?[figure]?.quantity, "variant \(variant) \(figure)")
                }
            }
        }
    }

    @Test func withoutSinceTheFeedStartsAtTheHead() async throws {
        let projection = try HTTPFixtures.projection()
        try await withAPI(projection: projection) { client in
            let response = try await client.execute(uri: "/v1/changes", method: .get)
            #expect(response.status == .ok, "\(response.text)")
            let json = try response.json()
            #expect(json["items"]?.array == [])
            #expect(json["has_more"]?.bool == false)
            #expect(json["next_cursor"]?.string == String(projection.snapshot().changeCursor))
            #expect(json["as_of"]?["change_cursor"]?.string == String(projection.snapshot().changeCursor))
            let scoped = try await client.execute(uri: "/v1/changes?warehouse=EU&limit=1", method: .get).json()
            #expect(scoped["next_cursor"]?.string == String(projection.snapshot().changeCursor))
            try await client.execute(uri: "/v1/changes?warehouse=XX", method: .get).problem(.notFound, slug: "unknown-warehouse")
        }
    }

    @Test func anExpiredCursorIs410TellingTheClientToDoAFullPull() async throws {
        let projection = try HTTPFixtures.projection()
        let old = projection.snapshot().changeCursor
        try projection.apply([
            Self.transaction(0x1000_0000, [.truncate(.quants), HTTPFixtures.quant(1, HTTPFixtures.chair, HTTPFixtures.whStock, "1")])
        ])
        try await withAPI(projection: projection) { client in
            let response = try await client.execute(uri: "/v1/changes?since=\(old)", method: .get)
            let problem = try response.problem(.gone, slug: "cursor-expired")
            #expect(problem["detail"]?.string?.contains("full pull") == true)
            #expect(problem["oldest_cursor"]?.string != nil)
            #expect(problem["change_cursor"]?.string == String(projection.snapshot().changeCursor))
            #expect(problem["parameter"]?.string == "since")
        }
    }

    @Test func aCursorAheadOfTheFeedIs410() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let problem = try await client.execute(uri: "/v1/changes?since=999999", method: .get).problem(.gone, slug: "cursor-expired")
            #expect(problem["latest_cursor"]?.string != nil)
        }
    }

    /// A cursor of another epoch (another store, a resync, a restart after a crash) is expired, whatever its
    /// position: it is never read as a position of this log.
    @Test func aCursorOfAnotherEpochIs410() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            for since in [String(ChangeCursor.encode(epoch: 5, position: 0)), "18446744073709551615", "99999999999999999999999"] {
                let problem = try await client.execute(uri: "/v1/changes?since=\(since)", method: .get).problem(.gone, slug: "cursor-expired")
                #expect(problem["oldest_cursor"]?.string != nil)
            }
        }
    }

    @Test(arguments: [
        ("since=", "since", "malformed-parameter"), ("since=abc", "since", "malformed-parameter"),
        ("since=-1", "since", "malformed-parameter"), ("since=0&since=1", "since", "malformed-parameter"),
        ("since=0&limit=0", "limit", "malformed-parameter"), ("since=0&limit=5001", "limit", "malformed-parameter"),
        ("since=0&warehouse=", "warehouse", "malformed-parameter"), ("since=0&cursor=1", "cursor", "unknown-parameter"),
    ])
    func malformedParametersAre400(query: String, parameter: String, slug: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let problem = try await client.execute(uri: "/v1/changes?\(query)", method: .get).problem(.badRequest, slug: slug)
            #expect(problem["parameter"]?.string == parameter)
        }
    }

    @Test func conditionalRequestsGet304UntilSomethingChanges() async throws {
        let projection = try HTTPFixtures.projection()
        let start = projection.snapshot().changeCursor
        try await withAPI(projection: projection) { client in
            let first = try await client.execute(uri: "/v1/changes?since=\(start)", method: .get)
            let etag = try #require(first.headers[.eTag])
            let again = try await client.execute(uri: "/v1/changes?since=\(start)", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            try projection.apply([Self.transaction(0x1000_0000, [HTTPFixtures.quant(2, HTTPFixtures.chair, HTTPFixtures.shelf1, "3")])])
            let changed = try await client.execute(uri: "/v1/changes?since=\(start)", method: .get, headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(try changed.json()["items"]?.array.count == 1)
        }
    }
}
