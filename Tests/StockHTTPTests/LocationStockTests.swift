import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockCatalogue
import StockProjection
import Testing

@testable import StockHTTP

/// `GET /v1/locations/{location}/stock`: full pulls, paginated or streamed.
@Suite struct LocationStockTests {
    @Test(arguments: ["11", "WH%2FStock", "WH%2fStock"])
    func pullsALocationSubtreeByIdOrCompleteName(location: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/locations/\(location)/stock", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] != nil)
            #expect(response.headers[.vary] == "Accept")
            let json = try response.json()
            #expect(json.keys == ["as_of", "scope", "items", "next_cursor"])
            #expect(json["scope"]?["locations"]?[0]?["location_id"]?.int == 11)
            #expect(json["scope"]?["locations"]?[0]?["location"]?.string == "WH/Stock")
            #expect(json["scope"]?["warehouses"]?.array == [])
            let items = json["items"]?.array ?? []
            #expect(items.map { $0["variant_id"]?.int } == [100, 101, 105])
            #expect(items.map { $0["on_hand"]?.number } == ["9", "5", "0.3"])
            #expect(items[0]["available"]?.number == "6")
            #expect(json["next_cursor"]?.isNull == true)
        }
    }

    @Test func pullsAWarehouseByCode() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let json = try await client.execute(uri: "/v1/locations/EU/stock", method: .get).json()
            #expect(json["scope"]?["warehouses"]?[0]?["warehouse"]?.string == "EU")
            #expect(json["scope"]?["warehouses"]?[0]?["warehouse_id"]?.int == 2)
            #expect(json["items"]?.array.map { $0["variant_id"]?.int } == [102, 104])
        }
    }

    @Test func aNameWithSpacesAndACommaIsPercentEncoded() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let json = try await client.execute(uri: "/v1/locations/\(encoded("Partners/Customers, Left"))/stock", method: .get).json()
            #expect(json["items"]?.array.map { $0["variant_id"]?.int } == [101])
            let loose = try await client.execute(uri: "/v1/locations/Physical%20Locations%2FLoose/stock", method: .get).json()
            #expect(loose["items"]?.array.map { $0["on_hand"]?.number } == ["4"])
        }
    }

    @Test(arguments: ["NOPE", "999", "WH%2FNope", "WH%2FStock%2F"])
    func unknownLocationsAre404(location: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/locations/\(location)/stock", method: .get)
            let problem = try response.problem(.notFound, slug: "unknown-location")
            #expect(problem["parameter"]?.string == "location")
        }
    }

    @Test func anUnencodedSlashIsNotARoute() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            try await client.execute(uri: "/v1/locations/WH/Stock/stock", method: .get).problem(.notFound, slug: "not-found")
        }
    }

    @Test func aBadlyEncodedSegmentIs400() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            try await client.execute(uri: "/v1/locations/WH%2/stock", method: .get).problem(.badRequest, slug: "malformed-parameter")
            try await client.execute(uri: "/v1/locations/%FF/stock", method: .get).problem(.badRequest, slug: "malformed-parameter")
        }
    }

    @Test(arguments: [
        ("limit=0", "limit"), ("limit=5001", "limit"), ("limit=abc", "limit"), ("limit=-1", "limit"), ("limit=+5", "limit"),
        ("cursor=abc", "cursor"), ("cursor=", "cursor"), ("cursor=-1", "cursor"), ("limit=5&limit=6", "limit"),
    ])
    func malformedPagingIs400(query: String, parameter: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let problem = try await client.execute(uri: "/v1/locations/WH/stock?\(query)", method: .get).problem(.badRequest)
            #expect(problem["parameter"]?.string == parameter)
        }
    }

    @Test func paginationVisitsEveryStockedVariantOnceInIdOrder() async throws {
        let (projection, catalogue) = try HTTPFixtures.catalogueProjection()
        let snapshot = projection.snapshot()
        for code in ["WH", "WH2", "WH3"] {
            let warehouse = try #require(catalogue.warehouses.first { $0.code == code })
            let scope = try snapshot.resolve(.warehouse(warehouse.id))
            let expected = snapshot.stockedVariants(in: scope, limit: .max).items
            #expect(expected.count > 20)
            try await withAPI(projection: projection) { client in
                var cursor: String?
                var seen: [Int] = []
                var pages = 0
                repeat {
                    let uri = "/v1/locations/\(code)/stock?limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let json = try await client.execute(uri: uri, method: .get).json()
                    let items = json["items"]?.array ?? []
                    #expect(items.count <= 7)
                    for item in items {
                        let id = try #require(item["variant_id"]?.int)
                        seen.append(id)
                        let figures = snapshot.figures(for: VariantID(Int32(id)), in: scope)
                        #expect(item["on_hand"]?.quantity == figures.onHand)
                        #expect(item["available"]?.quantity == figures.available)
                    }
                    cursor = json["next_cursor"]?.string
                    pages += 1
                } while cursor != nil
                #expect(seen == expected.map { Int($0.variant.rawValue) })
                #expect(Set(seen).count == seen.count)
                #expect(pages == (expected.count + 6) / 7)
            }
        }
    }

    @Test func theDefaultPageSizeAppliesWithoutLimit() async throws {
        let (projection, _) = try HTTPFixtures.catalogueProjection()
        let configuration = StockHTTPConfiguration(limits: .init(defaultPageSize: 10))
        try await withAPI(projection: projection, configuration: configuration) { client in
            let json = try await client.execute(uri: "/v1/locations/WH/stock", method: .get).json()
            #expect(json["items"]?.array.count == 10)
            #expect(json["next_cursor"]?.string == json["items"]?[9]?["variant_id"]?.number)
        }
    }

    @Test func aCursorPastEveryVariantGivesAnEmptyLastPage() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            for cursor in ["105", "2147483647", "99999999999999999999"] {
                let json = try await client.execute(uri: "/v1/locations/WH/stock?cursor=\(cursor)", method: .get).json()
                #expect(json["items"]?.array == [])
                #expect(json["next_cursor"]?.isNull == true)
            }
        }
    }

    @Test func ndjsonStreamsTheWholeScopeFromOneSnapshot() async throws {
        let (projection, catalogue) = try HTTPFixtures.catalogueProjection(variants: 2_500)
        let snapshot = projection.snapshot()
        let scope = try snapshot.resolve(.warehouse(catalogue.warehouses[0].id))
        let expected = snapshot.stockedVariants(in: scope, limit: .max).items
        #expect(expected.count > LocationStockController<TestFeedStatus>.streamChunkSize)
        try await withAPI(projection: projection) { client in
            let response = try await client.execute(uri: "/v1/locations/WH/stock?limit=5", method: .get, headers: [.accept: "application/x-ndjson"])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/x-ndjson")
            #expect(response.headers[HTTPField.Name("Stockd-Lsn")!] == "0/1")
            #expect(response.headers[HTTPField.Name("Stockd-Change-Cursor")!] == String(snapshot.changeCursor))
            let etag = try #require(response.headers[.eTag])
            let lines = response.text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "")  // every line ends with a line feed
            let items = try lines.dropLast().map { try JSONParser.parse(Array($0.utf8)) }
            #expect(items.map { $0["variant_id"]?.int } == expected.map { Int($0.variant.rawValue) })
            for (item, entry) in zip(items, expected) {
                #expect(item["on_hand"]?.quantity == entry.figures.onHand)
                #expect(item["reserved"]?.quantity == entry.figures.reserved)
                #expect(item["available"]?.quantity == entry.figures.available)
            }

            // The paged JSON pull has the same items and a different tag (another representation).
            var paged: [JSONValue] = []
            var cursor: String?
            repeat {
                let json = try await client.execute(uri: "/v1/locations/WH/stock?limit=5000" + (cursor.map { "&cursor=\($0)" } ?? ""), method: .get)
                    .json()
                paged += json["items"]?.array ?? []
                cursor = json["next_cursor"]?.string
            } while cursor != nil
            #expect(paged == items)
            let json = try await client.execute(uri: "/v1/locations/WH/stock", method: .get)
            #expect(json.headers[.eTag] != etag)

            // Conditional and resumed streams.
            let notModified = try await client.execute(
                uri: "/v1/locations/WH/stock",
                method: .get,
                headers: [.accept: "application/x-ndjson", .ifNoneMatch: etag]
            )
            #expect(notModified.status == .notModified)
            let resumeAfter = expected[expected.count - 3].variant.rawValue
            let resumed = try await client.execute(
                uri: "/v1/locations/WH/stock?cursor=\(resumeAfter)", method: .get, headers: [.accept: "application/x-ndjson"])
            #expect(resumed.text.split(separator: "\n").count == 2)
        }
    }

    @Test(arguments: [
        ("application/x-ndjson", true), ("application/json", false), ("*/*", false), ("application/json, application/x-ndjson", true),
        ("application/json;q=1, application/x-ndjson;q=0.5", false), ("application/x-ndjson;q=0", false), ("application/x-ndjson, */*;q=0.1", true),
    ])
    func acceptNegotiatesNDJSON(accept: String, ndjson: Bool) {
        #expect(AcceptHeader.prefersNDJSON(accept) == ndjson)
    }

    @Test func anEmptyScopeStreamsNothing() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(
                uri: "/v1/locations/WH%2FQuality%20Control/stock?cursor=100", method: .get, headers: [.accept: "application/x-ndjson"])
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
        }
    }
}
