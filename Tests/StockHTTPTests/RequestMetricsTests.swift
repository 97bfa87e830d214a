import CoreMetrics
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Synchronization
import Testing

@testable import StockHTTP

/// Request count and latency per route template, method and status.
@Suite struct RequestMetricsTests {
    @Test func countsAndTimesEveryRequestByRouteTemplateAndStatus() async throws {
        let factory = RecordingMetricsFactory()
        let configuration = StockHTTPConfiguration(metricsFactory: factory)
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: configuration) { client in
            _ = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .get)
            _ = try await client.execute(uri: "/v1/availability?sku=DESK", method: .get)
            _ = try await client.execute(uri: "/v1/availability?group_by=x", method: .get)
            _ = try await client.execute(uri: "/v1/locations/WH/stock", method: .get)
            _ = try await client.execute(uri: "/v1/locations/EU/stock", method: .get)
            _ = try await client.execute(uri: "/v1/locations/EU/stock", method: .delete)
            _ = try await client.execute(uri: "/no/such/path", method: .get)
            _ = try await client.execute(uri: "/another/unknown", method: .get)
        }
        let counts = factory.counts(label: "stockd_http_requests_total")
        #expect(counts["GET /v1/availability 200"] == 2)
        #expect(counts["GET /v1/availability 400"] == 1)
        #expect(counts["GET /v1/locations/{location}/stock 200"] == 2)
        #expect(counts["DELETE /v1/locations/{location}/stock 405"] == 1)
        #expect(counts["GET unmatched 404"] == 2)
        #expect(counts.count == 5)
        let timings = factory.timings(label: "stockd_http_request_duration_seconds")
        #expect(timings["GET /v1/availability 200"]?.count == 2)
        #expect(timings["GET unmatched 404"]?.count == 2)
        #expect(timings.values.joined().allSatisfy { $0 >= 0 })
    }
}
