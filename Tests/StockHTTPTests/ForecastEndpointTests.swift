import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Testing

@testable import StockHTTP

/// `fields=` and `to_date=` on availability, and the schedule endpoint.
@Suite struct ForecastEndpointTests {
    /// 2100-01-01T00:00:00Z, far enough ahead for `to_date` never to be in the past.
    static let future: Int64 = 4_102_444_800_000_000
    static let day: Int64 = 86_400_000_000

    static func projection() throws -> StockProjection {
        let projection = try HTTPFixtures.projection()
        func move(_ id: Int32, _ quantity: Int, from source: LocationID, to destination: LocationID, day: Int64) -> StockChange {
            .upsertMove(
                StockMove(
                    id: MoveID(id), variantID: HTTPFixtures.chair, quantity: Quantity(units: quantity), state: .confirmed, sourceID: source,
                    destinationID: destination, date: future + day * Self.day))
        }
        let position = (projection.snapshot().checkpoint?.position ?? 0) + 1
        try projection.apply([
            SourceTransaction(
                checkpoint: Checkpoint(position: position),
                changes: [
                    move(1, 5, from: HTTPFixtures.loose, to: HTTPFixtures.whStock, day: 10),
                    move(2, 3, from: HTTPFixtures.whStock, to: HTTPFixtures.customers, day: 2),
                    move(3, 4, from: HTTPFixtures.whStock, to: HTTPFixtures.euStock, day: 20),
                ])
        ])
        return projection
    }

    @Test func fieldsAddTheForecastMembersAndTheDefaultAnswerIsUnchanged() async throws {
        try await withAPI(projection: try Self.projection()) { client in
            let plain = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&warehouse=WH", method: .get)
            #expect(try plain.json()["items"]?[0]?.keys.contains("forecast") == false)

            let response = try await client.execute(
                uri: "/v1/availability?sku=CHAIR-RED&warehouse=WH&fields=incoming,outgoing&fields=forecast,next_receipt", method: .get)
            #expect(response.status == .ok)
            let item = try #require(try response.json()["items"]?[0])
            #expect(item["incoming"]?.number == "5")
            #expect(item["outgoing"]?.number == "7")
            #expect(item["forecast"]?.number == "8")
            #expect(item["next_receipt"]?["date"]?.string == "2100-01-11T00:00:00.000Z")
            #expect(item["next_receipt"]?["quantity"]?.number == "5")

            let limited = try await client.execute(
                uri: "/v1/availability?sku=CHAIR-RED&warehouse=WH&fields=forecast&to_date=2100-01-05", method: .get)
            let limitedItem = try #require(try limited.json()["items"]?[0])
            #expect(limitedItem["forecast"]?.number == "7")
            #expect(limitedItem["incoming"] == nil)

            let posted = try await client.execute(
                uri: "/v1/availability/query", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"sku": "CHAIR-RED", "warehouse": "EU", "fields": ["incoming"], "to_date": "2100-02-01T00:00:00Z"}"#))
            #expect(posted.status == .ok)
            #expect(try posted.json()["items"]?[0]?["incoming"]?.number == "4")
        }
    }

    @Test func aPastOrMalformedDateIsAProblem() async throws {
        try await withAPI(projection: try Self.projection()) { client in
            let past = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&fields=forecast&to_date=2001-01-01", method: .get)
            #expect(past.status == .unprocessableContent)
            #expect(past.headers[.contentType] == "application/problem+json")
            #expect(try past.json()["type"]?.string == "urn:stockd:problem:date-in-past")
            let impossible = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&to_date=2100-02-30", method: .get)
            #expect(impossible.status == .unprocessableContent)
            for bad in ["", "tomorrow", "2100-01-01T25:00:00Z", "2100-01-01T10:00:00"] {
                let response = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&to_date=\(bad)", method: .get)
                #expect(response.status == .badRequest, "\(bad)")
            }
            let unknown = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&fields=price", method: .get)
            #expect(unknown.status == .badRequest)
        }
    }

    @Test func scheduleListsEachDatedMove() async throws {
        try await withAPI(projection: try Self.projection()) { client in
            let response = try await client.execute(uri: "/v1/availability/CHAIR-RED/schedule?warehouse=WH", method: .get)
            #expect(response.status == .ok)
            let item = try #require(try response.json()["items"]?[0])
            #expect(item["on_hand"]?.number == "10")
            #expect(item["forecast"]?.number == "8")
            let steps = item["steps"]?.array ?? []
            #expect(steps.map { $0["projected"]?.number } == ["7", "12", "8"])
            #expect(steps.map { $0["available_to_promise"]?.number } == ["7", "8", "8"])
            #expect(steps.first?["date"]?.string == "2100-01-03T00:00:00.000Z")
            let unknown = try await client.execute(uri: "/v1/availability/NOPE/schedule", method: .get)
            #expect(unknown.status == .notFound)
        }
    }
}
