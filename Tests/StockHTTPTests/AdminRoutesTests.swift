import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Synchronization
import Testing

@testable import StockHTTP

/// Records the operations the admin routes ask for and answers what the test says (the operations themselves are
/// tested with the real store in `IntegrationTests/AdminAPITests`).
final class RecordingAdministration: EventAdministration {
    let calls = Mutex<[(AdminOperation, String)]>([])
    let failure: AdminFailure?

    init(failing failure: AdminFailure? = nil) { self.failure = failure }

    func perform(_ operation: AdminOperation, actor: String) async throws -> AdminAnswer {
        calls.withLock { $0.append((operation, actor)) }
        if let failure { throw failure }
        return AdminAnswer(status: 201, body: Array(#"{"ok":true}"#.utf8))
    }
}

/// The admin routes: the `admin` scope (401, 403), parameters and bodies checked before any operation runs
/// (problem+json), failures mapped to their statuses, the token's name passed as the actor.
@Suite struct AdminRoutesTests {
    static func configuration(_ administration: RecordingAdministration, tokens: [String: Set<AccessScope>]? = nil) -> StockHTTPConfiguration {
        var configuration = StockHTTPConfiguration(tokens: tokens ?? ["reader-token": [.read], "admin-token": [.admin], "anon-admin": [.admin]])
        configuration.tokenNames = ["admin-token": "ops-alice"]
        configuration.administration = administration
        return configuration
    }

    static let admin: HTTPFields = [.authorization: "Bearer admin-token"]

    @Test(arguments: [
        ("/v1/admin/rules", HTTPRequest.Method.get), ("/v1/admin/rules/x", .delete), ("/v1/admin/subscriptions", .get),
        ("/v1/admin/subscriptions/s/pause", .post), ("/v1/admin/audit?kind=rule", .get),
    ])
    func everyAdminRouteNeedsTheAdminScope(uri: String, method: HTTPRequest.Method) async throws {
        let administration = RecordingAdministration()
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(administration)) { client in
            try await client.execute(uri: uri, method: method).problem(.unauthorized, slug: "unauthorized")
            let forbidden = try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer reader-token"])
            try forbidden.problem(.forbidden, slug: "forbidden")
            #expect(forbidden.headers[.wwwAuthenticate]?.contains("scope=\"admin\"") == true)
        }
        #expect(administration.calls.withLock { $0.isEmpty })
    }

    @Test func withoutAnyTokenConfiguredAdminRoutesAre401ButReadsAreOpen() async throws {
        let administration = RecordingAdministration()
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(administration, tokens: [:])) { client in
            try await client.execute(uri: "/v1/admin/rules", method: .get).problem(.unauthorized)
            try await client.execute(uri: "/v1/admin/rules", method: .get, headers: [.authorization: "Bearer anything"]).problem(.unauthorized)
            #expect(try await client.execute(uri: "/v1/status", method: .get).status == .ok)
        }
        #expect(administration.calls.withLock { $0.isEmpty })
    }

    @Test func operationsCarryTheirParametersAndTheTokensName() async throws {
        let administration = RecordingAdministration()
        let body = #"{"id": "r1", "products": "all", "condition": "out_of_stock"}"#
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(administration)) { client in
            let created = try await client.execute(
                uri: "/v1/admin/rules", method: .post, headers: [.authorization: "Bearer admin-token", .contentType: "application/json"],
                body: ByteBuffer(string: body))
            #expect(created.status == .created)
            #expect(created.headers[.contentType] == "application/json")
            _ = try await client.execute(uri: "/v1/admin/rules/r1", method: .put, headers: Self.admin, body: ByteBuffer(string: body))
            _ = try await client.execute(uri: "/v1/admin/subscriptions/s1/dead-letters?limit=5&after=evt_1", method: .get, headers: Self.admin)
            _ = try await client.execute(uri: "/v1/admin/subscriptions/s1/dead-letters/redeliver", method: .post, headers: Self.admin)
            _ = try await client.execute(uri: "/v1/admin/subscriptions/s1/replay?from_time=2026-12-07T10:00:00Z", method: .post, headers: Self.admin)
            _ = try await client.execute(
                uri: "/v1/admin/audit?kind=delivery&subscription=s1&limit=3&before=x", method: .get, headers: [.authorization: "Bearer anon-admin"])
        }
        let calls = administration.calls.withLock { $0 }
        #expect(
            calls.map(\.0) == [
                .createRule(body: Array(body.utf8)), .replaceRule(id: "r1", body: Array(body.utf8)), .deadLetters(id: "s1", limit: 5, after: "evt_1"),
                .redeliver(id: "s1", eventID: nil), .replay(id: "s1", fromEventID: nil, fromTime: "2026-12-07T10:00:00Z"),
                .audit(kind: .delivery, subscription: "s1", limit: 3, before: "x"),
            ])
        #expect(calls.map(\.1) == ["ops-alice", "ops-alice", "ops-alice", "ops-alice", "ops-alice", "unnamed"])
    }

    @Test(arguments: [
        ("/v1/admin/audit", HTTPRequest.Method.get, "missing-parameter"),
        ("/v1/admin/audit?kind=everything", .get, "malformed-parameter"),
        ("/v1/admin/audit?kind=rule&subscription=s1", .get, "malformed-parameter"),
        ("/v1/admin/audit?kind=rule&limit=0", .get, "malformed-parameter"),
        ("/v1/admin/audit?kind=rule&limit=1001", .get, "malformed-parameter"),
        ("/v1/admin/audit?kind=rule&color=red", .get, "unknown-parameter"),
        ("/v1/admin/subscriptions/s1/replay", .post, "missing-parameter"),
        ("/v1/admin/subscriptions/s1/replay?from_event_id=evt_1&from_time=1", .post, "missing-parameter"),
        ("/v1/admin/subscriptions/s1/dead-letters/redeliver?event_id=", .post, "malformed-parameter"),
        ("/v1/admin/rules?x=1", .get, "unknown-parameter"),
        ("/v1/admin/subscriptions/s1/dead-letters?after=", .get, "malformed-parameter"),
    ])
    func badParametersAre400BeforeAnyOperation(uri: String, method: HTTPRequest.Method, slug: String) async throws {
        let administration = RecordingAdministration()
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(administration)) { client in
            try await client.execute(uri: uri, method: method, headers: Self.admin).problem(.badRequest, slug: slug)
        }
        #expect(administration.calls.withLock { $0.isEmpty })
    }

    @Test(arguments: [
        ("", "application/json", HTTPResponse.Status.badRequest), ("{not json", "application/json", .badRequest),
        ("[1]", "application/json", .badRequest),
        ("{}", "text/plain", .unsupportedMediaType),
    ])
    func badBodiesAreRefused(body: String, contentType: String, status: HTTPResponse.Status) async throws {
        let administration = RecordingAdministration()
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(administration)) { client in
            let response = try await client.execute(
                uri: "/v1/admin/rules", method: .post, headers: [.authorization: "Bearer admin-token", .contentType: contentType],
                body: ByteBuffer(string: body))
            try response.problem(status)
        }
        #expect(administration.calls.withLock { $0.isEmpty })
    }

    @Test(arguments: [
        (AdminFailure.Reason.notFound, HTTPResponse.Status.notFound, "not-found"), (.conflict, .conflict, "conflict"),
        (.invalid, .unprocessableContent, "invalid-definition"), (.gone, .gone, "replay-expired"), (.malformed, .badRequest, "malformed-parameter"),
    ])
    func failuresBecomeProblems(reason: AdminFailure.Reason, status: HTTPResponse.Status, slug: String) async throws {
        let administration = RecordingAdministration(failing: AdminFailure(reason, "what went wrong"))
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(administration)) { client in
            let problem = try await client.execute(uri: "/v1/admin/subscriptions/s1/replay?from_event_id=evt_1", method: .post, headers: Self.admin)
                .problem(status, slug: slug)
            #expect(problem["detail"]?.string == "what went wrong")
        }
    }

    @Test func undeclaredMethodsAre405() async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(RecordingAdministration())) { client in
            try await client.execute(uri: "/v1/admin/rules", method: .delete, headers: Self.admin).problem(.methodNotAllowed)
            try await client.execute(uri: "/v1/admin/subscriptions/s1/pause", method: .get, headers: Self.admin).problem(.methodNotAllowed)
        }
    }
}
