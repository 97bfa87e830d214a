import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Testing

@testable import StockHTTP

/// `POST /v1/availability/query`: the same question as a JSON body.
@Suite struct AvailabilityQueryTests {
    static func post(
        _ client: some TestClientProtocol, _ body: String, headers: HTTPFields = [.contentType: "application/json"]
    ) async throws -> TestResponse {
        try await client.execute(uri: "/v1/availability/query", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func answersLikeTheQueryString() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let body =
                #"{"sku": ["CHAIR-RED", "NO-SUCH-SKU"], "variant_id": [104, 2147483648, -3], "warehouse": ["WH", 2], "group_by": "location", "only_available": false}"#
            let response = try await Self.post(client, body)
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] != nil)
            let json = try response.json()
            let get = try await client.execute(
                uri: "/v1/availability?sku=CHAIR-RED,NO-SUCH-SKU&variant_id=104,2147483648&warehouse=WH&warehouse=2&group_by=location",
                method: .get
            ).json()
            #expect(json["items"] == get["items"])
            #expect(json["missing"]?.array.map(\.string) == ["NO-SUCH-SKU", "2147483648", "-3"])
            #expect(json["items"]?[1]?["locations"]?[0]?["on_hand"]?.number == "9007199254740.993")
        }
    }

    @Test func valuesAreNeverCommaSplitInTheBody() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let json = try await Self.post(client, #"{"sku": ["CHAIR-RED,DESK"], "location": ["Partners/Customers, Left"]}"#).json()
            #expect(json["items"]?.array == [])
            #expect(json["missing"]?.array.map(\.string) == ["CHAIR-RED,DESK"])
        }
    }

    @Test func anEmptyObjectIsAnEmptyQuestion() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await Self.post(client, "{}")
            #expect(response.status == .ok)
            #expect(try response.json()["items"]?.array == [])
        }
    }

    @Test(arguments: [
        (#"{"sku": "CHAIR-RED", "variant_id": 104, "warehouse": "WH"}"#, #"{"sku": ["CHAIR-RED"], "variant_id": [104], "warehouse": ["WH"]}"#),
        (
            #"{"barcode": "5901234123457", "template_id": 8, "location": 11}"#,
            #"{"barcode": ["5901234123457"], "template_id": [8], "location": [11]}"#
        ),
        (
            #"{"sku": "DESK", "location": "WH/Stock", "group_by": "location"}"#,
            #"{"sku": ["DESK"], "location": ["WH/Stock"], "group_by": "location"}"#
        ),
        (#"{"variant_id": 2147483648, "warehouse": 2}"#, #"{"variant_id": [2147483648], "warehouse": [2]}"#),
    ])
    func aSingleValueIsAListOfOne(scalar: String, list: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let single = try await Self.post(client, scalar)
            #expect(single.status == .ok, "\(single.text)")
            let many = try await Self.post(client, list)
            #expect(many.status == .ok)
            #expect(try single.json()["items"] == many.json()["items"])
            #expect(try single.json()["missing"] == many.json()["missing"])
            #expect(try single.json()["items"]?.array.isEmpty == false || many.json()["missing"]?.array.isEmpty == false)
        }
    }

    @Test(arguments: [
        (#"{"sku": ""}"#, "sku"),
        (#"{"sku": 7}"#, "sku"),
        (#"{"sku": null}"#, "sku"),
        (#"{"variant_id": "1"}"#, "variant_id"),
        (#"{"template_id": 1.5}"#, "template_id"),
        (#"{"warehouse": true}"#, "warehouse"),
        (#"{"location": {}}"#, "location"),
        (#"{"sku": [""]}"#, "sku[0]"),
        (#"{"sku": ["A", 1]}"#, "sku[1]"),
        (#"{"variant_id": ["1"]}"#, "variant_id[0]"),
        (#"{"variant_id": [1.5]}"#, "variant_id[0]"),
        (#"{"variant_id": [1e3]}"#, "variant_id[0]"),
        (#"{"warehouse": [true]}"#, "warehouse[0]"),
        (#"{"location": [null]}"#, "location[0]"),
        (#"{"group_by": "site"}"#, "group_by"),
        (#"{"group_by": null}"#, "group_by"),
        (#"{"only_available": "true"}"#, "only_available"),
    ])
    func wrongTypesAre400NamingTheMember(body: String, parameter: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let problem = try await Self.post(client, body).problem(.badRequest, slug: "malformed-parameter")
            #expect(problem["parameter"]?.string == parameter)
        }
    }

    @Test(arguments: [
        "", "[]", "\"sku\"", "{", #"{"sku": ["A"],}"#, #"{"sku": ["A"]} x"#, #"{"sku": ["A"], "sku": ["B"]}"#, "{\"sku\": [\"\u{01}\"]}",
        #"{"sku": ["\ud800"]}"#, #"{"variant_id": [01]}"#, String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ])
    func malformedBodiesAre400(body: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            try await Self.post(client, body).problem(.badRequest, slug: "malformed-body")
        }
    }

    @Test func invalidUTF8IsA400() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            var buffer = ByteBuffer(string: #"{"sku": [""#)
            buffer.writeBytes([0xC3, 0x28])
            buffer.writeString(#""]}"#)
            let response = try await client.execute(uri: "/v1/availability/query", method: .post, body: buffer)
            try response.problem(.badRequest, slug: "malformed-body")
        }
    }

    @Test func unknownMembersAre400() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let problem = try await Self.post(client, #"{"skus": ["A"]}"#).problem(.badRequest, slug: "unknown-parameter")
            #expect(problem["parameter"]?.string == "skus")
        }
    }

    @Test func queryParametersAreRefused() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability/query?sku=A", method: .post, body: ByteBuffer(string: "{}"))
            try response.problem(.badRequest, slug: "unknown-parameter")
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        let configuration = StockHTTPConfiguration(limits: .init(maxBodyBytes: 64))
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: configuration) { client in
            let small = try await Self.post(client, #"{"sku": ["CHAIR-RED"]}"#)
            #expect(small.status == .ok)
            let large = #"{"sku": ["\#(String(repeating: "A", count: 100))"]}"#
            try await Self.post(client, large).problem(.contentTooLarge, slug: "body-too-large")
            let declared = try await Self.post(client, large, headers: [.contentLength: String(large.utf8.count)])
            try declared.problem(.contentTooLarge, slug: "body-too-large")
        }
    }

    @Test func theDefaultBodyLimitIsOneMebibyte() async throws {
        let names = (0..<60_000).map { "\"SKU-\($0)\"" }.joined(separator: ",")  // about 660 kB, 60,000 identifiers
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await Self.post(client, "{\"sku\": [\(names)]}")
            try response.problem(.unprocessableContent, slug: "too-many-identifiers")
            let huge = String(repeating: " ", count: (1 << 20) + 1)
            try await Self.post(client, huge).problem(.contentTooLarge)
        }
    }

    @Test func moreIdentifiersThanTheLimitAre422() async throws {
        let ids = (10_001...11_001).map(String.init).joined(separator: ",")  // none exists
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            try await Self.post(client, "{\"variant_id\": [\(ids)]}").problem(.unprocessableContent, slug: "too-many-identifiers")
            let atLimit = try await Self.post(client, "{\"variant_id\": [\(ids.split(separator: ",").dropLast().joined(separator: ","))]}")
            #expect(atLimit.status == .ok)
            #expect(try atLimit.json()["items"]?.array.count == 0)
            #expect(try atLimit.json()["missing"]?.array.count == 1_000)
        }
    }

    @Test func unknownWarehousesInTheBodyAre404() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            try await Self.post(client, #"{"sku": ["A"], "warehouse": [77]}"#).problem(.notFound, slug: "unknown-warehouse")
        }
    }
}

extension AvailabilityQueryTests {
    @Test(arguments: ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"])
    func jsonContentTypesAreAccepted(contentType: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await Self.post(client, #"{"sku": ["DESK"]}"#, headers: [.contentType: contentType])
            #expect(response.status == .ok)
        }
    }

    @Test func aMissingContentTypeIsReadAsJSON() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await Self.post(client, #"{"sku": ["DESK"]}"#, headers: [:])
            #expect(response.status == .ok)
        }
    }

    @Test(arguments: ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data", "application/jsonx"])
    func otherContentTypesAre415(contentType: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await Self.post(client, #"{"sku": ["DESK"]}"#, headers: [.contentType: contentType])
            try response.problem(.unsupportedMediaType, slug: "unsupported-media-type")
        }
    }
}
