import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Testing

@testable import StockHTTP

/// The API over a real socket, and an opt-in server for external tools (schemathesis, curl, wrk).
@Suite struct LiveServerTests {
    @Test func servesOverARealSocket() async throws {
        let (projection, _) = try HTTPFixtures.catalogueProjection(variants: 3_000)
        let snapshot = projection.snapshot()
        let stocked = snapshot.stockedVariants(in: try snapshot.resolve(.warehouse(WarehouseID(1))), limit: .max).items.count
        #expect(stocked > LocationStockController<FixedFeedStatus>.streamChunkSize)
        let router = buildRouter(projection: projection, status: FixedFeedStatus(), configuration: StockHTTPConfiguration())
        // Built as `stockd serve` builds it: the connection handlers sit in every connection's pipeline.
        let app = buildApplication(
            router: router, address: .hostname("127.0.0.1", port: 0), configuration: StockHTTPConfiguration(), logger: quietLogger)
        try await app.test(.live) { client in
            let single = try await client.execute(uri: "/v1/availability?sku=\(encoded("CHAIR-12-RED-S"))", method: .get)
            #expect(single.status == .ok)
            let stream = try await client.execute(uri: "/v1/locations/WH/stock", method: .get, headers: [.accept: "application/x-ndjson"])
            #expect(stream.status == .ok)
            #expect(stream.headers[.contentType] == "application/x-ndjson")
            let lines = String(buffer: stream.body).split(separator: "\n")
            #expect(lines.count == stocked)
            #expect(lines.allSatisfy { (try? JSONParser.parse(Array($0.utf8))) != nil })
            let method = try await client.execute(uri: "/v1/status", method: .delete)
            #expect(method.status == .methodNotAllowed)
            #expect(method.headers[.allow] == "GET, HEAD")
            let post = try await client.execute(
                uri: "/v1/availability/query",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"variant_id": [1, 2, 3], "group_by": "warehouse"}"#)
            )
            #expect(post.status == .ok)
        }
    }

    /// Serves a generated catalogue on `STOCKHTTP_SERVE_PORT` for `STOCKHTTP_SERVE_SECONDS` (default 120), for
    /// running schemathesis or wrk against the API without the composition root:
    ///
    /// ```sh
    /// STOCKHTTP_SERVE_PORT=8089 swift test --filter LiveServerTests/serveForExternalTools &
    /// schemathesis run docs/openapi.yaml --url http://127.0.0.1:8089
    /// ```
    ///
    /// `STOCKHTTP_SERVE_TOKEN` makes that token (scope `read`) required.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["STOCKHTTP_SERVE_PORT"] != nil))
    func serveForExternalTools() async throws {
        let environment = ProcessInfo.processInfo.environment
        let port = try #require(environment["STOCKHTTP_SERVE_PORT"].flatMap { Int($0) })
        let seconds = environment["STOCKHTTP_SERVE_SECONDS"].flatMap { Int($0) } ?? 120
        let (projection, _) = try HTTPFixtures.catalogueProjection(variants: 500)
        var configuration = StockHTTPConfiguration(metricsHandler: { "# TYPE stockd_up gauge\nstockd_up 1\n" })
        if let token = environment["STOCKHTTP_SERVE_TOKEN"] { configuration.tokens = [token: [.read]] }
        let router = buildRouter(projection: projection, status: FixedFeedStatus(), configuration: configuration)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            try await Task.sleep(for: .seconds(seconds))
            group.cancelAll()
        }
    }
}
