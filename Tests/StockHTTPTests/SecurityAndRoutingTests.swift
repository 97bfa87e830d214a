import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import StockProjection
import Synchronization
import Testing

@testable import StockHTTP

/// Bearer tokens, 405 and 404 answers, and request logs that never show a token.
@Suite struct SecurityAndRoutingTests {
    static let configuration = StockHTTPConfiguration(
        tokens: ["reader-secret-token": [.read], "admin-secret-token": [.admin], "disabled-token": []],
        metricsHandler: { "# TYPE demo counter\ndemo 1\n" }
    )

    static let protectedURIs = ["/v1/availability?sku=CHAIR-RED", "/v1/locations/WH/stock", "/v1/changes?since=0", "/v1/status", "/metrics"]

    @Test(arguments: protectedURIs)
    func aMissingTokenIs401WithABearerChallenge(uri: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration) { client in
            let response = try await client.execute(uri: uri, method: .get)
            try response.problem(.unauthorized, slug: "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="stockd""#)
        }
    }

    @Test(arguments: ["Bearer wrong", "Bearer reader-secret-tokenX", "Bearer reader-secret-toke", "Bearer ", "bearer admin-secret-tokenx"])
    func anUnknownTokenIs401(header: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration) { client in
            let response = try await client.execute(uri: "/v1/status", method: .get, headers: [.authorization: header])
            let problem = try response.problem(.unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.contains("Bearer realm=\"stockd\"") == true)
            #expect(problem["detail"]?.string?.contains("secret") == false)
        }
    }

    @Test func anotherSchemeIs401() async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration) { client in
            let response = try await client.execute(uri: "/v1/status", method: .get, headers: [.authorization: "Basic cmVhZGVyOnNlY3JldA=="])
            try response.problem(.unauthorized)
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="stockd", error="invalid_request""#)
        }
    }

    @Test(arguments: protectedURIs)
    func readAndAdminTokensMayRead(uri: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration) { client in
            for token in ["Bearer reader-secret-token", "Bearer admin-secret-token", "bearer  reader-secret-token "] {
                let response = try await client.execute(uri: uri, method: .get, headers: [.authorization: token])
                #expect(response.status == .ok, "\(token): \(response.text)")
            }
        }
    }

    @Test func aTokenWithoutTheScopeIs403() async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration) { client in
            let response = try await client.execute(uri: "/v1/availability?sku=A", method: .get, headers: [.authorization: "Bearer disabled-token"])
            try response.problem(.forbidden, slug: "forbidden")
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="stockd", error="insufficient_scope", scope="read""#)
        }
    }

    @Test func scopesGrantAsDocumented() {
        #expect(AccessScope.read.isGranted(by: [.read]))
        #expect(AccessScope.read.isGranted(by: [.admin]))
        #expect(!AccessScope.admin.isGranted(by: [.read]))
        #expect(!AccessScope.read.isGranted(by: []))
    }

    @Test(arguments: ["/healthz", "/readyz"])
    func probesNeedNoToken(uri: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration) { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .ok)
        }
    }

    @Test func withoutTokensNothingIsAuthenticated() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let plain = try await client.execute(uri: "/v1/status", method: .get)
            #expect(plain.status == .ok)
            let withToken = try await client.execute(uri: "/v1/status", method: .get, headers: [.authorization: "Bearer anything"])
            #expect(withToken.status == .ok)
        }
    }

    @Test(arguments: [
        ("/v1/availability", HTTPRequest.Method.post, "GET, HEAD"),
        ("/v1/availability", .delete, "GET, HEAD"),
        ("/v1/availability/query", .get, "POST"),
        ("/v1/availability/query", .put, "POST"),
        ("/v1/locations/WH/stock", .patch, "GET, HEAD"),
        ("/v1/locations/anything%2Fat%2Fall/stock", .post, "GET, HEAD"),
        ("/v1/changes", .options, "GET, HEAD"),
        ("/v1/status", .trace, "GET, HEAD"),
        ("/healthz", .post, "GET, HEAD"),
        ("/readyz", .delete, "GET, HEAD"),
        ("/metrics", .post, "GET, HEAD"),
    ])
    func anUndeclaredMethodOnAKnownPathIs405WithAllow(path: String, method: HTTPRequest.Method, allow: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration) { client in
            let response = try await client.execute(uri: path, method: method)
            #expect(response.headers[.allow] == allow)
            if method == .head {
                #expect(response.status == .methodNotAllowed)
            } else {
                try response.problem(.methodNotAllowed, slug: "method-not-allowed")
            }
        }
    }

    @Test(arguments: ["/v1", "/v1/nothing", "/v1/locations/WH", "/v1/locations/WH/stock/more", "/metrics/x"])
    func unknownPathsAre404ProblemDocuments(path: String) async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration) { client in
            let response = try await client.execute(uri: path, method: .get)
            try response.problem(.notFound, slug: "not-found")
            #expect(response.headers[.allow] == nil)
        }
    }

    @Test func metricsIs404WithoutAHandler() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            try await client.execute(uri: "/metrics", method: .get).problem(.notFound)
            try await client.execute(uri: "/metrics", method: .post).problem(.notFound)
        }
    }

    @Test func metricsServesTheHandlersPrometheusText() async throws {
        let configuration = StockHTTPConfiguration(metricsHandler: { "# TYPE demo counter\ndemo 1\n" })
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: configuration) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.text == "# TYPE demo counter\ndemo 1\n")
        }
    }

    @Test func requestLogsAreStructuredAndNeverShowATokenOrQuery() async throws {
        let records = LogRecords()
        var logger = Logger(label: "stockd.http.test") { _ in CapturingLogHandler(records: records) }
        logger.logLevel = .info
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration, logger: logger) { client in
            _ = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .get, headers: [.authorization: "Bearer reader-secret-token"])
            _ = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED", method: .get, headers: [.authorization: "Bearer wrong-secret"])
            _ = try await client.execute(uri: "/v1/locations/WH/stock", method: .delete)
            _ = try await client.execute(uri: "/nowhere", method: .get)
        }
        let lines = records.all
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.message == "request" && $0.level == .info })
        #expect(lines.map { $0.metadata["http.response.status_code"] } == ["200", "401", "405", "404"])
        #expect(lines.map { $0.metadata["http.route"] } == ["/v1/availability", "/v1/availability", "/v1/locations/{location}/stock", "unmatched"])
        #expect(lines[0].metadata["http.request.method"] == "GET")
        #expect(lines[0].metadata["url.path"] == "/v1/availability")
        #expect(lines[0].metadata["http.server.request.duration_us"] != nil)
        let everything = lines.map { "\($0.message) \($0.metadata)" }.joined()
        #expect(!everything.contains("secret"))
        #expect(!everything.contains("CHAIR-RED"))
    }
}
