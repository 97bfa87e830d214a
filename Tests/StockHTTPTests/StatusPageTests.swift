import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Testing

@testable import StockHTTP

/// The status page at `GET /` and the details `/v1/status` reports for it (rates, history, recent errors,
/// store size).
@Suite struct StatusPageTests {
    static let tokens = StockHTTPConfiguration(tokens: ["reader-secret-token": [.read]])

    @Test func servesASelfContainedHTMLDocument() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.cacheControl] == "no-cache")
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'"))
            #expect(policy.contains("connect-src 'self'"))
            #expect(!policy.contains("http"))
            let html = response.text
            #expect(html.hasPrefix("<!doctype html>"))
            for id in [
                "phase", "lag-ms", "spark-lag", "tx-rate", "rows-rate", "store-size", "count-variants", "count-locations", "count-kits", "sku-form",
                "errors",
            ] {
                #expect(html.contains("id=\"\(id)\""), "missing element \(id)")
            }
            #expect(html.contains("fetch(path"))
            #expect(html.contains("/v1/status"))
            #expect(html.contains("group_by=location"))
            // The SKU view shows Odoo's forecast over the scope (a Forecast column on the total row).
            #expect(html.contains("fields=incoming,outgoing,forecast"))
            #expect(html.contains("[\"Forecast\", \"forecast\"]"))
            #expect(html.contains("sessionStorage"))
            // Phases in which the figures no longer follow the source are shown as bad, not as a warning.
            for phase in ["slot_lost", "store_behind_slot", "schema_mismatch"] { #expect(html.contains("\"\(phase)\"")) }
        }
    }

    @Test func loadsNothingFromAnotherOrigin() async throws {
        try await withAPI(projection: StockProjection()) { client in
            let html = try await client.execute(uri: "/", method: .get).text
            // The only absolute URL is the SVG namespace name, which is an identifier, never fetched.
            let absolute = html.ranges(of: "http").map { html[$0.lowerBound...].prefix(while: { $0 != "\"" && $0 != " " }) }
            #expect(absolute.allSatisfy { $0 == "http://www.w3.org/2000/svg" }, "\(absolute)")
            for needle in ["src=", "href=", "@import", "url(", "<link", "<iframe", "innerHTML", "outerHTML", "insertAdjacentHTML", "eval("] {
                #expect(!html.contains(needle), "the page contains \(needle)")
            }
        }
    }

    @Test func theDocumentNeedsNoTokenButItsDataDoes() async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.tokens) { client in
            #expect(try await client.execute(uri: "/", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/", method: .head).status == .ok)
            try await client.execute(uri: "/v1/status", method: .get).problem(.unauthorized, slug: "unauthorized")
            try await client.execute(uri: "/v1/availability?sku=A&group_by=location", method: .get).problem(.unauthorized)
            let authorized = try await client.execute(uri: "/v1/status", method: .get, headers: [.authorization: "Bearer reader-secret-token"])
            #expect(authorized.status == .ok)
        }
    }

    @Test func otherMethodsAre405AndParametersAre400() async throws {
        try await withAPI(projection: StockProjection()) { client in
            let post = try await client.execute(uri: "/", method: .post)
            try post.problem(.methodNotAllowed, slug: "method-not-allowed")
            #expect(post.headers[.allow] == "GET, HEAD")
            try await client.execute(uri: "/?refresh=1", method: .get).problem(.badRequest, slug: "unknown-parameter")
        }
    }

    @Test func statusReportsRatesHistoryErrorsAndStoreSize() async throws {
        let start: Int64 = 1_795_424_400_000_000  // 2026-11-23T09:00:00Z
        let details = FeedStatusDetails(
            rowChanges: 345,
            transactionsPerSecond: 19.96,
            rowChangesPerSecond: 61.25,
            storeBytes: 1_048_576,
            history: [
                .init(timeMicros: start, lagMilliseconds: 3, lagBytes: 0, transactionsPerSecond: 20, rowChangesPerSecond: 60.04),
                .init(timeMicros: start + 1_000_000, lagMilliseconds: nil, lagBytes: 512, transactionsPerSecond: 0.25, rowChangesPerSecond: 0),
            ],
            recentErrors: [
                .init(timeMicros: start + 500_000, kind: "mapping", message: "stock_quant: quantity \"x\" is not a number", count: 3),
                .init(timeMicros: start, kind: "replication", message: "connection reset"),
            ]
        )
        let status = FixedFeedStatus(FeedHTTPStatus(phase: "streaming", isLoaded: true, lagMilliseconds: 3, transactions: 40), details: details)
        try await withAPI(projection: try HTTPFixtures.projection(), status: status) { client in
            let response = try await client.execute(uri: "/v1/status", method: .get)
            let feed = try #require(try response.json()["feed"])
            #expect(feed["transactions"]?.int == 40)
            #expect(feed["row_changes"]?.int == 345)
            #expect(feed["transactions_per_second"]?.number == "20")
            #expect(feed["row_changes_per_second"]?.number == "61.3")
            #expect(feed["store_bytes"]?.int == 1_048_576)
            let history = feed["history"]?.array ?? []
            #expect(history.count == 2)
            #expect(history.first?.keys == ["time", "lag_ms", "lag_bytes", "transactions_per_second", "row_changes_per_second"])
            #expect(history.first?["time"]?.string == "2026-11-23T09:00:00.000Z")
            #expect(history.first?["row_changes_per_second"]?.number == "60")
            #expect(history.last?["lag_ms"]?.isNull == true)
            #expect(history.last?["lag_bytes"]?.int == 512)
            #expect(history.last?["transactions_per_second"]?.number == "0.3")
            let errors = feed["recent_errors"]?.array ?? []
            #expect(errors.map { $0["kind"]?.string } == ["mapping", "replication"])
            #expect(errors.first?["message"]?.string == "stock_quant: quantity \"x\" is not a number")
            #expect(errors.first?["count"]?.int == 3)
            #expect(errors.first?["time"]?.string == "2026-11-23T09:00:00.500Z")
        }
    }

    @Test func statusWithoutDetailsSaysSo() async throws {
        try await withAPI(projection: StockProjection(), status: TestFeedStatus()) { client in
            let feed = try #require(try await client.execute(uri: "/v1/status", method: .get).json()["feed"])
            #expect(feed["row_changes"]?.int == 0)
            #expect(feed["transactions_per_second"]?.isNull == true)
            #expect(feed["row_changes_per_second"]?.isNull == true)
            #expect(feed["store_bytes"]?.isNull == true)
            #expect(feed["history"]?.array.isEmpty == true)
            #expect(feed["recent_errors"]?.array.isEmpty == true)
        }
    }

    @Test(arguments: [(Double.nan, "0"), (-3, "0"), (Double.infinity, "0"), (0.04, "0"), (0.05, "0.1"), (1234.56, "1234.6")])
    func ratesAreWrittenWithOneDecimalAndNeverNegative(value: Double, expected: String) {
        var json = JSONWriter(capacity: 16)
        StatusResponse.rate(value, to: &json)
        let text = String(buffer: json.buffer)
        #expect(text == expected)
    }
}
