import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StockProjection
import Testing

@testable import StockHTTP

/// Kits over HTTP: `kit`/`invalid` on availability items, `GET /v1/kits/{sku}` and `POST /v1/availability/check`,
/// against ``KitFixtures`` (desk kit = 1 top + 4 legs; WH: 2 tops, 9 legs; EU: 5 tops, 3 legs; a cycle LOOP-A ⇄ LOOP-B).
@Suite struct KitEndpointTests {
    static func post(_ client: some TestClientProtocol, _ path: String, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }

    @Test func availabilityItemsMarkKitsAndGiveTheirFigures() async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability?sku=DESK-KIT,TOP,SCREW&warehouse=WH", method: .get)
            #expect(response.status == .ok)
            let items = try response.json()["items"]!.array
            #expect(items.map { $0["sku"]?.string } == ["DESK-KIT", "TOP", "SCREW"])
            #expect(items.map { $0["kit"]?.bool } == [true, false, false])
            #expect(items[0]["invalid"] == nil)
            #expect(items[0]["on_hand"]?.number == "2")
            #expect(items[0]["available"]?.number == "2")
            #expect(items[1]["on_hand"]?.number == "2")
        }
    }

    @Test func perWarehouseKitFiguresDoNotPoolWarehouses() async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability?sku=DESK-KIT&group_by=warehouse", method: .get)
            #expect(response.status == .ok)
            let item = try response.json()["items"]![0]!
            #expect(item["kit"]?.bool == true)
            let perWarehouse = item["warehouses"]!.array
            let figures = Dictionary(uniqueKeysWithValues: perWarehouse.map { ($0["warehouse"]?.string ?? "?", $0["available"]?.number) })
            #expect(figures["WH"] == "2")
            #expect(figures["EU"] ?? "0" == "0")
            // Each warehouse answers from its own components only: WH's 2 tops cap it, EU's 3 legs make none.
            #expect(!perWarehouse.contains { $0["available"]?.number == "3" })

            let eu = try await client.execute(uri: "/v1/availability?sku=DESK-KIT&warehouse=EU", method: .get)
            #expect(try eu.json()["items"]![0]!["available"]?.number == "0")
        }
    }

    @Test func queryBodyAndLocationPullCarryKitFlag() async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            let query = try await Self.post(client, "/v1/availability/query", #"{"variant_id": [200, 206], "warehouse": ["WH"]}"#)
            #expect(query.status == .ok)
            #expect(try query.json()["items"]!.array.map { $0["kit"]?.bool } == [true, false])

            let pull = try await client.execute(uri: "/v1/locations/WH/stock?limit=1000", method: .get)
            #expect(pull.status == .ok)
            let items = try pull.json()["items"]!.array
            let desk = items.first { $0["variant_id"]?.int == 200 }
            #expect(desk?["kit"]?.bool == true)
            #expect(desk?["available"]?.number == "2")
            #expect(items.first { $0["variant_id"]?.int == 206 }?["kit"]?.bool == false)

            let ndjson = try await client.execute(uri: "/v1/locations/WH/stock", method: .get, headers: [.accept: "application/x-ndjson"])
            let lines = ndjson.text.split(separator: "\n").map { try? JSONParser.parse(Array($0.utf8)) }
            #expect(lines.contains { $0?["variant_id"]?.int == 200 && $0?["kit"]?.bool == true })
        }
    }

    @Test func kitEndpointExplainsExpansionAndLimitingComponent() async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/kits/DESK-KIT?warehouse=WH", method: .get)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[.eTag] != nil)
            let kit = try response.json()["items"]![0]!
            #expect(kit["variant_id"]?.int == 200)
            #expect(kit["kit"]?.bool == true)
            #expect(kit["bom_id"]?.int == 900)
            #expect(kit["batch_quantity"]?.number == "1")
            #expect(kit["available"]?.number == "2")
            #expect(kit["rules"]?["groups_lines_by_component"]?.bool == true)
            let expansion = kit["expansion"]!.array
            #expect(expansion.map { $0["line_id"]?.int } == [9001, 9002])
            #expect(expansion.map { $0["sku"]?.string } == ["TOP", "LEG"])
            #expect(expansion.map { $0["quantity"]?.number } == ["1", "4"])
            #expect(expansion.allSatisfy { $0["ignored"]?.isNull == true && $0["sub_bom_id"]?.isNull == true })
            let components = kit["components"]!.array
            #expect(components.map { $0["sku"]?.string } == ["TOP", "LEG"])
            #expect(components.map { $0["need_per_batch"]?.number } == ["1", "4"])
            #expect(components.map { $0["available"]?.number } == ["2", "9"])
            #expect(components.map { $0["kits_available"]?.number } == ["2", "2"])
            #expect(kit["limiting"]!.array.map { $0["sku"]?.string } == ["TOP", "LEG"])

            // In EU the legs limit: 3 legs make no kit, 5 tops would make five.
            let eu = try await client.execute(uri: "/v1/kits/200?warehouse=EU", method: .get)
            let euKit = try eu.json()["items"]![0]!
            #expect(euKit["components"]!.array.map { $0["kits_available"]?.number } == ["5", "0"])
            #expect(euKit["limiting"]!.array.map { $0["variant_id"]?.int } == [202])

            let cached = try await client.execute(
                uri: "/v1/kits/DESK-KIT?warehouse=WH", method: .get, headers: [.ifNoneMatch: response.headers[.eTag]!])
            #expect(cached.status == .notModified)
        }
    }

    @Test func kitEndpointErrors() async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            try await client.execute(uri: "/v1/kits/NOPE", method: .get).problem(.notFound, slug: "unknown-product")
            try await client.execute(uri: "/v1/kits/999999", method: .get).problem(.notFound, slug: "unknown-product")
            let notKit = try await client.execute(uri: "/v1/kits/SCREW", method: .get).problem(.notFound, slug: "not-a-kit")
            #expect(notKit["variant_ids"]?.array.map(\.string) == ["206"])
            try await client.execute(uri: "/v1/kits/DESK-KIT?warehouse=NOWHERE", method: .get).problem(.notFound, slug: "unknown-warehouse")
            try await client.execute(uri: "/v1/kits/DESK-KIT?group_by=warehouse", method: .get).problem(.badRequest, slug: "unknown-parameter")
            let post = try await Self.post(client, "/v1/kits/DESK-KIT", "{}")
            #expect(post.status == .methodNotAllowed)
        }
    }

    @Test func cycleKitIsInvalidWithZeroFigures() async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability?sku=LOOP-A,LOOP-B", method: .get)
            let items = try response.json()["items"]!.array
            #expect(items.map { $0["kit"]?.bool } == [true, true])
            #expect(items.map { $0["invalid"]?.string } == ["cycle", "cycle"])
            #expect(items.map { $0["available"]?.number } == ["0", "0"])

            let kit = try await client.execute(uri: "/v1/kits/LOOP-A", method: .get)
            #expect(kit.status == .ok)
            let explanation = try kit.json()["items"]![0]!
            #expect(explanation["invalid"]?.string == "cycle")
            #expect(explanation["problem"]?.string?.contains("cycle") == true)

            let cart = try await Self.post(client, "/v1/availability/check", #"{"lines": [{"sku": "LOOP-A", "qty": 1}]}"#)
            let line = try cart.json()["lines"]![0]!
            #expect(line["invalid"]?.string == "cycle")
            #expect(line["allocated"]?.number == "0")
            #expect(try cart.json()["ok"]?.bool == false)
        }
    }

    @Test func cartKitAndSpareLegCompeteForLegs() async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            let response = try await Self.post(
                client, "/v1/availability/check",
                #"{"warehouse": "WH", "lines": [{"sku": "DESK-KIT", "qty": 2}, {"variant_id": 202, "qty": 2}]}"#)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers[.eTag] != nil)
            let json = try response.json()
            #expect(json["ok"]?.bool == false)
            #expect(json["missing"]?.array.isEmpty == true)
            let lines = json["lines"]!.array
            #expect(lines.map { $0["sku"]?.string } == ["DESK-KIT", "LEG"])
            #expect(lines.map { $0["kit"]?.bool } == [true, false])
            #expect(lines.map { $0["requested"]?.number } == ["2", "2"])
            #expect(lines.map { $0["allocated"]?.number } == ["2", "1"])
            #expect(lines.map { $0["shortfall"]?.number } == ["0", "1"])
            #expect(lines.map { $0["ok"]?.bool } == [true, false])

            // One kit and a spare leg fit: 4 + 1 of 9 legs.
            let fits = try await Self.post(
                client, "/v1/availability/check",
                #"{"warehouse": ["WH"], "lines": [{"sku": "DESK-KIT", "qty": 1}, {"sku": "LEG", "qty": 1.5}]}"#)
            let fitsJSON = try fits.json()
            #expect(fitsJSON["ok"]?.bool == true)
            #expect(fitsJSON["lines"]![1]!["allocated"]?.number == "1.5")
        }
    }

    @Test func cartReportsMissingProductsAndRefusesAmbiguousSKUs() async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            let response = try await Self.post(
                client, "/v1/availability/check",
                #"{"lines": [{"sku": "NOPE", "qty": 1}, {"variant_id": 999999, "qty": 1}, {"sku": "SCREW", "qty": 1}]}"#)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["missing"]?.array.map(\.string) == ["NOPE", "999999"])
            #expect(json["lines"]!.array.map { $0["index"]?.int } == [2])
            #expect(json["lines"]![0]!["ok"]?.bool == true)
            #expect(json["ok"]?.bool == false)

            // DESK is shared by variants 101 and 102 in the HTTP fixture.
            let ambiguous = try await Self.post(client, "/v1/availability/check", #"{"lines": [{"sku": "DESK", "qty": 1}]}"#)
                .problem(.unprocessableContent, slug: "ambiguous-sku")
            #expect(ambiguous["variant_ids"]?.array.map(\.string) == ["101", "102"])
            #expect(ambiguous["parameter"]?.string == "lines[0].sku")
        }
    }

    @Test(arguments: [
        ("[]", "malformed-body"),
        ("{}", "missing-parameter"),
        (#"{"lines": {}}"#, "malformed-parameter"),
        (#"{"lines": []}"#, "malformed-parameter"),
        (#"{"lines": [{"qty": 1}]}"#, "missing-parameter"),
        (#"{"lines": [{"sku": "TOP"}]}"#, "missing-parameter"),
        (#"{"lines": [{"sku": "TOP", "qty": "1"}]}"#, "malformed-parameter"),
        (#"{"lines": [{"sku": "TOP", "qty": -1}]}"#, "malformed-parameter"),
        (#"{"lines": [{"sku": "TOP", "variant_id": 201, "qty": 1}]}"#, "malformed-parameter"),
        (#"{"lines": [{"sku": "TOP", "qty": 1, "price": 3}]}"#, "unknown-parameter"),
        (#"{"lines": [{"sku": "TOP", "qty": 1}], "channel": "web"}"#, "unknown-parameter"),
        (#"{"lines": [{"sku": "TOP", "qty": 1}], "warehouse": true}"#, "malformed-parameter"),
        (#"{"lines": [{"sku": "TOP", "qty": 1}"#, "malformed-body"),
    ])
    func malformedCartsAre400(body: String, slug: String) async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            let response = try await Self.post(client, "/v1/availability/check", body)
            try response.problem(.badRequest, slug: slug)
        }
    }

    @Test func cartLimits() async throws {
        let configuration = StockHTTPConfiguration(limits: .init(maxBodyBytes: 300, maxIdentifiers: 2))
        try await withAPI(projection: try KitFixtures.projection(), configuration: configuration) { client in
            let three = #"{"lines": [{"sku": "TOP", "qty": 1}, {"sku": "LEG", "qty": 1}, {"sku": "SCREW", "qty": 1}]}"#
            try await Self.post(client, "/v1/availability/check", three).problem(.unprocessableContent, slug: "too-many-identifiers")
            let big = #"{"lines": [{"sku": ""# + String(repeating: "X", count: 400) + #"", "qty": 1}]}"#
            try await Self.post(client, "/v1/availability/check", big).problem(.contentTooLarge, slug: "body-too-large")
            let unknownScope = #"{"warehouse": "NOWHERE", "lines": [{"sku": "TOP", "qty": 1}]}"#
            try await Self.post(client, "/v1/availability/check", unknownScope).problem(.notFound, slug: "unknown-warehouse")
        }
    }

    @Test func statusCountsKits() async throws {
        try await withAPI(projection: try KitFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/status", method: .get)
            let counts = try response.json()["counts"]
            #expect(counts?["kits"]?.int == 3)
            #expect(counts?["boms"]?.int == 3)
        }
    }
}
