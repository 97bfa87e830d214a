import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockCatalogue
import StockProjection
import Testing

@testable import StockHTTP

@Suite struct AvailabilityTests {
    @Test func answersTheIssuesExampleShapeWithExactFigures() async throws {
        let projection = try HTTPFixtures.projection()
        try await withAPI(projection: projection) { client in
            let response = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let json = try response.json()
            #expect(json.keys == ["as_of", "items", "missing"])
            let asOf = try #require(json["as_of"])
            #expect(asOf["lsn"]?.string == "0/16B3748")
            #expect(asOf["commit_time"]?.string == "2026-11-23T09:00:00.123Z")
            #expect(asOf["lag_ms"]?.int == 4)
            #expect(asOf["change_cursor"]?.string == String(projection.snapshot().changeCursor))
            let item = try #require(json["items"]?[0])
            #expect(json["items"]?.array.count == 1)
            #expect(
                item.keys == [
                    "variant_id", "sku", "barcode", "template_id", "active", "kit", "on_hand", "reserved", "free", "quarantined", "available",
                ]
            )
            #expect(item["variant_id"]?.int == 100)
            #expect(item["sku"]?.string == "CHAIR-RED")
            #expect(item["barcode"]?.string == "5901234123457")
            #expect(item["template_id"]?.int == 7)
            #expect(item["kit"]?.bool == false)
            #expect(item["on_hand"]?.number == "10")
            #expect(item["reserved"]?.number == "2")
            #expect(item["free"]?.number == "8")
            #expect(item["quarantined"]?.number == "1")
            #expect(item["available"]?.number == "6")
            #expect(json["missing"]?.array == [])
            #expect(response.text.contains(#""on_hand":10,"reserved":2,"free":8,"quarantined":1,"available":6"#))
        }
    }

    @Test func writesQuantitiesExactlyNeverThroughDouble() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability?sku=BIG,\(encoded("TINY \"quoted\"/é"))", method: .get)
            #expect(response.status == .ok)
            let text = response.text
            // 9007199254740.993 is not a Double: 9007199254740.992 is the nearest one.
            #expect(text.contains(#""on_hand":9007199254740.993"#))
            #expect(text.contains(#""available":9007199254740.993"#))
            // 0.1 + 0.2 is 0.30000000000000004 in binary floating point.
            #expect(text.contains(#""on_hand":0.3,"reserved":0,"free":0.3"#))
            #expect(!text.contains("0.30000000000000004"))
            #expect(text.contains(#""sku":"TINY \"quoted\"/é""#))
            let items = try response.json()["items"]?.array ?? []
            #expect(items.map { $0["variant_id"]?.int } == [104, 105])
        }
    }

    @Test func writesSaturatedAndNegativeQuantitiesExactly() async throws {
        let projection = try HTTPFixtures.projection()
        try projection.apply([
            SourceTransaction(
                checkpoint: Checkpoint(position: 0x16B_3749),
                changes: [
                    .upsertQuant(
                        Quant(
                            id: QuantID(50), variantID: HTTPFixtures.lamp, locationID: HTTPFixtures.whStock, quantity: Quantity(rawValue: .max),
                            reserved: .zero)),
                    .upsertQuant(
                        Quant(
                            id: QuantID(51), variantID: HTTPFixtures.lamp, locationID: HTTPFixtures.euStock, quantity: Quantity(rawValue: -1),
                            reserved: .zero)),
                ]
            )
        ])
        try await withAPI(projection: projection) { client in
            let json = try await client.execute(uri: "/v1/availability?sku=LAMP&group_by=location", method: .get).json()
            let item = try #require(json["items"]?[0])
            #expect(item["on_hand"]?.number == "9223372036854.775806")
            #expect(item["locations"]?[0]?["on_hand"]?.number == "9223372036854.775807")
            #expect(item["locations"]?[1]?["on_hand"]?.number == "-0.000001")
            #expect(item["locations"]?[1]?["available"]?.number == "0")
        }
    }

    @Test func aSharedSKUReturnsEveryVariant() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let json = try await client.execute(uri: "/v1/availability?sku=DESK", method: .get).json()
            let items = json["items"]?.array ?? []
            #expect(items.map { $0["variant_id"]?.int } == [101, 102])
            #expect(items.map { $0["active"]?.bool } == [true, false])
            #expect(items[1]["on_hand"]?.number == "3.5")
            #expect(items[1]["free"]?.number == "3")
        }
    }

    @Test func unknownIdentifiersGoToMissing() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let uri = "/v1/availability?sku=NO-SUCH-SKU,CHAIR-RED&barcode=000&variant_id=999,101,99999999999&template_id=4242"
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["items"]?.array.map { $0["variant_id"]?.int } == [100, 101])
            #expect(json["missing"]?.array.map(\.string) == ["NO-SUCH-SKU", "000", "999", "99999999999", "4242"])
        }
    }

    @Test func identifiersRepeatOrCommaSeparateAndEachVariantAppearsOnce() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let uri = "/v1/availability?sku=CHAIR-RED&sku=DESK,CHAIR-RED&barcode=5901234123457&variant_id=102&template_id=9"
            let json = try await client.execute(uri: uri, method: .get).json()
            #expect(json["items"]?.array.map { $0["variant_id"]?.int } == [100, 101, 102, 103, 104, 105])
            #expect(json["missing"]?.array == [])
        }
    }

    @Test func looksUpByBarcodeVariantAndTemplate() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let byBarcode = try await client.execute(uri: "/v1/availability?barcode=5901234123464", method: .get).json()
            #expect(byBarcode["items"]?.array.map { $0["variant_id"]?.int } == [102])
            let byVariant = try await client.execute(uri: "/v1/availability?variant_id=105,100", method: .get).json()
            #expect(byVariant["items"]?.array.map { $0["variant_id"]?.int } == [105, 100])
            let byTemplate = try await client.execute(uri: "/v1/availability?template_id=8", method: .get).json()
            #expect(byTemplate["items"]?.array.map { $0["variant_id"]?.int } == [101, 102])
        }
    }

    @Test func aQuestionWithoutIdentifiersHasAnEmptyAnswer() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability", method: .get)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["items"]?.array == [])
            #expect(json["missing"]?.array == [])
        }
    }

    @Test func groupByWarehouseGivesOneEntryPerWarehouse() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let json = try await client.execute(uri: "/v1/availability?sku=DESK,CHAIR-RED&group_by=warehouse", method: .get).json()
            let items = json["items"]?.array ?? []
            let desk = items[0]["warehouses"]?.array ?? []
            #expect(desk.map { $0["warehouse"]?.string } == ["WH"])
            #expect(desk[0].keys == ["warehouse", "warehouse_id", "on_hand", "reserved", "free", "quarantined", "available"])
            #expect(desk[0]["on_hand"]?.number == "5")
            let desk2 = items[1]["warehouses"]?.array ?? []
            #expect(desk2.map { $0["warehouse_id"]?.int } == [2])
            let chair = items[2]["warehouses"]?.array ?? []
            #expect(chair.count == 1)
            #expect(chair[0]["on_hand"]?.number == "10")
            #expect(chair[0]["available"]?.number == "6")
            #expect(items[0]["locations"] == nil)
        }
    }

    @Test func groupByLocationEntriesAddUpToTheTotal() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let json = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&group_by=location", method: .get).json()
            let item = try #require(json["items"]?[0])
            let locations = item["locations"]?.array ?? []
            #expect(locations.map { $0["location"]?.string } == ["WH/Stock", "WH/Stock/Shelf 1", "WH/Quality Control"])
            #expect(locations.map { $0["location_id"]?.int } == [11, 12, 15])
            #expect(locations.allSatisfy { $0["warehouse"]?.string == "WH" && $0["warehouse_id"]?.int == 1 })
            #expect(
                locations[0].keys == [
                    "location_id", "location", "warehouse", "warehouse_id", "on_hand", "reserved", "free", "quarantined", "available",
                ]
            )
            #expect(locations[2]["quarantined"]?.number == "1")
            #expect(locations[2]["available"]?.number == "0")
            #expect(item["warehouses"] == nil)
            for figure in ["on_hand", "reserved", "free", "quarantined"] {
                let sum = locations.compactMap { $0[figure]?.quantity }.reduce(Quantity.zero, +)
                #expect(sum == item[figure]?.quantity, "\(figure)")
            }
        }
    }

    @Test func groupByLocationAddsUpForEveryVariantOfAGeneratedCatalogue() async throws {
        let (projection, catalogue) = try HTTPFixtures.catalogueProjection()
        let ids = catalogue.variants.map { String($0.id.rawValue) }
        try await withAPI(projection: projection) { client in
            for filter in ["", "&warehouse=WH2", "&location=WH%2FStock"] {
                let uri = "/v1/availability?variant_id=\(ids.joined(separator: ","))&group_by=location" + filter
                let json = try await client.execute(uri: uri, method: .get).json()
                let items = json["items"]?.array ?? []
                #expect(items.count == catalogue.variants.count)
                #expect(items.contains { $0["kit"]?.bool == true })
                // A kit's location entries are the kits each location's own components make: they need not add up.
                for item in items where item["kit"]?.bool == false {
                    let locations = item["locations"]?.array ?? []
                    for figure in ["on_hand", "reserved", "free", "quarantined"] {
                        let sum = locations.compactMap { $0[figure]?.quantity }.reduce(Quantity.zero, +)
                        #expect(sum == item[figure]?.quantity, "variant \(item["variant_id"]?.int ?? 0) \(figure)")
                    }
                }
            }
        }
    }

    @Test func itemsMatchTheDomainForEveryVariantOfAGeneratedCatalogue() async throws {
        let (projection, catalogue) = try HTTPFixtures.catalogueProjection()
        let snapshot = projection.snapshot()
        let scope = try snapshot.resolve(.warehouse(WarehouseID(1)))
        let skus = Array(Set(catalogue.variants.compactMap(\.sku))).sorted()
        try await withAPI(projection: projection) { client in
            let json = try await client.execute(uri: "/v1/availability?warehouse=WH&sku=\(skus.map(encoded).joined(separator: ","))", method: .get)
                .json()
            let items = json["items"]?.array ?? []
            #expect(items.count == catalogue.variants.filter { $0.sku != nil }.count)  // shared SKUs give all their variants
            for item in items {
                let id = VariantID(Int32(try #require(item["variant_id"]?.int)))
                let figures = snapshot.figures(for: id, in: scope)
                #expect(item["on_hand"]?.quantity == figures.onHand)
                #expect(item["reserved"]?.quantity == figures.reserved)
                #expect(item["free"]?.quantity == figures.free)
                #expect(item["quarantined"]?.quantity == figures.quarantined)
                #expect(item["available"]?.quantity == figures.available)
            }
        }
    }

    @Test(arguments: [
        ("warehouse=WH", "10"),
        ("warehouse=1", "10"),
        ("warehouse=EU", "0"),
        ("location=WH%2FStock", "9"),
        ("location=11", "9"),
        ("location=WH%2FStock%2FShelf+1", "1"),
        ("location=Physical%20Locations%2FLoose", "4"),
        ("location=30&warehouse=WH", "14"),
        ("location=WH%2FStock&location=WH%2FQuality%20Control", "10"),
    ])
    func scopesFollowTheLocationTree(filter: String, onHand: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let json = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&\(filter)", method: .get).json()
            #expect(json["items"]?[0]?["on_hand"]?.number == onHand)
        }
    }

    @Test func aLocationNameWithACommaIsNotSplit() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let json = try await client.execute(uri: "/v1/availability?sku=DESK&location=\(encoded("Partners/Customers, Left"))", method: .get).json()
            #expect(json["items"]?.array.map { $0["on_hand"]?.number } == ["2", "0"])
        }
    }

    @Test func onlyAvailableLeavesOutVariantsWithNothingToSell() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let all = try await client.execute(uri: "/v1/availability?sku=DESK,LAMP,CHAIR-RED&warehouse=EU", method: .get).json()
            #expect(all["items"]?.array.count == 4)
            let available = try await client.execute(uri: "/v1/availability?sku=DESK,LAMP,CHAIR-RED&warehouse=EU&only_available=true", method: .get)
                .json()
            #expect(available["items"]?.array.map { $0["variant_id"]?.int } == [102])
            #expect(available["missing"]?.array == [])
            let explicitFalse = try await client.execute(
                uri: "/v1/availability?sku=DESK,LAMP,CHAIR-RED&warehouse=EU&only_available=false", method: .get
            ).json()
            #expect(explicitFalse["items"]?.array.count == 4)
        }
    }

    @Test(arguments: [
        ("group_by=site", "group_by"),
        ("group_by=total&group_by=location", "group_by"),
        ("only_available=yes", "only_available"),
        ("only_available=1", "only_available"),
        ("variant_id=12a", "variant_id"),
        ("variant_id=-5", "variant_id"),
        ("template_id=1.5", "template_id"),
        ("sku=", "sku"),
        ("sku=A,,B", "sku"),
        ("barcode=X,", "barcode"),
        ("warehouse=", "warehouse"),
        ("location=", "location"),
        ("sku=%E0%A4", "sku"),
        ("sku=%zz", "sku"),
    ])
    func malformedParametersAre400NamingTheParameter(query: String, parameter: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability?\(query)", method: .get)
            let problem = try response.problem(.badRequest, slug: "malformed-parameter")
            #expect(problem["parameter"]?.string == parameter)
            #expect(problem["detail"]?.string?.contains(parameter) == true)
        }
    }

    @Test func unknownParametersAre400() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability?skus=CHAIR-RED", method: .get)
            let problem = try response.problem(.badRequest, slug: "unknown-parameter")
            #expect(problem["parameter"]?.string == "skus")
        }
    }

    @Test(arguments: [
        ("warehouse=NOPE", "unknown-warehouse"), ("warehouse=99", "unknown-warehouse"), ("location=WH%2FNope", "unknown-location"),
        ("location=999", "unknown-location"),
    ])
    func unknownScopesAre404(filter: String, slug: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&\(filter)", method: .get)
            try response.problem(.notFound, slug: slug)
        }
    }

    @Test func moreIdentifiersThanTheLimitAre422() async throws {
        let configuration = StockHTTPConfiguration(limits: .init(maxIdentifiers: 3))
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: configuration) { client in
            let atLimit = try await client.execute(uri: "/v1/availability?sku=A,B&variant_id=1", method: .get)
            #expect(atLimit.status == .ok)
            let over = try await client.execute(uri: "/v1/availability?sku=A,B&variant_id=1&barcode=X", method: .get)
            try over.problem(.unprocessableContent, slug: "too-many-identifiers")
            let filters = try await client.execute(uri: "/v1/availability?sku=A&warehouse=WH&warehouse=EU&warehouse=1&location=11", method: .get)
            try filters.problem(.unprocessableContent, slug: "too-many-identifiers")
        }
    }

    @Test func theETagIsTheSnapshotAndIfNoneMatchGets304() async throws {
        let projection = try HTTPFixtures.projection()
        try await withAPI(projection: projection) { client in
            let first = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .get)
            let etag = try #require(first.headers[.eTag])
            #expect(etag.hasPrefix("\"16B3748-"))
            for header in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let again = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .get, headers: [.ifNoneMatch: header])
                #expect(again.status == .notModified, "\(header)")
                #expect(again.headers[.eTag] == etag)
                #expect(again.body.readableBytes == 0)
            }
            let stale = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .get, headers: [.ifNoneMatch: "\"stale\""])
            #expect(stale.status == .ok)

            // A new commit changes the tag: the old one no longer matches.
            try projection.apply([
                SourceTransaction(
                    checkpoint: Checkpoint(position: 0x16B_3800),
                    changes: [HTTPFixtures.quant(1, HTTPFixtures.chair, HTTPFixtures.whStock, "7", reserved: "2")])
            ])
            let changed = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .get, headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
            #expect(try changed.json()["items"]?[0]?["on_hand"]?.number == "9")

            // So does a settings change (safety stock shapes `available`), even without a new commit.
            let tagBefore = try #require(changed.headers[.eTag])
            projection.updateSettings(ProjectionSettings())
            let resettled = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .get, headers: [.ifNoneMatch: tagBefore])
            #expect(resettled.status == .ok)
            #expect(try resettled.json()["items"]?[0]?["available"]?.number == "7")
        }
    }

    @Test func validationComesBeforeTheConditionalCheck() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&warehouse=NOPE", method: .get, headers: [.ifNoneMatch: "*"])
            try response.problem(.notFound)
        }
    }

    @Test func headAnswersWithHeadersOnly() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .head)
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] != nil)
            #expect(response.body.readableBytes == 0)
            let bad = try await client.execute(uri: "/v1/availability?group_by=x", method: .head)
            #expect(bad.status == .badRequest)
            #expect(bad.body.readableBytes == 0)
        }
    }
}
