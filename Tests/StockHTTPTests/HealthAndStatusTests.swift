import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Testing

@testable import StockHTTP

/// `/healthz`, `/readyz`, `/v1/status`, and the 503 answered while the store loads.
@Suite struct HealthAndStatusTests {
    @Test func healthzAnswersWhateverTheFeedDoes() async throws {
        let status = TestFeedStatus(FeedHTTPStatus(phase: "snapshotting", isLoaded: false))
        try await withAPI(projection: StockProjection(), status: status) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(response.text == #"{"status":"ok"}"#)
        }
    }

    @Test func readyzIs200WhenLoadedAndCaughtUp() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok)
            #expect(response.text == #"{"status":"ready","phase":"streaming","lag_ms":4}"#)
        }
    }

    @Test func readyzIs503WithTheReasons() async throws {
        let status = TestFeedStatus(FeedHTTPStatus(phase: "snapshotting", isLoaded: false))
        let configuration = StockHTTPConfiguration(readinessMaxLag: .seconds(2))
        try await withAPI(projection: try HTTPFixtures.projection(), status: status, configuration: configuration) { client in
            var problem = try await client.execute(uri: "/readyz", method: .get).problem(.serviceUnavailable, slug: "not-ready")
            #expect(problem["detail"]?.string?.contains("not loaded") == true)
            #expect(problem["phase"]?.string == "snapshotting")

            status.update {
                $0.isLoaded = true
                $0.phase = "streaming"
                $0.lagMilliseconds = 2_001
            }
            problem = try await client.execute(uri: "/readyz", method: .get).problem(.serviceUnavailable)
            #expect(problem["reasons"]?.array.map(\.string) == ["replication lag 2001 ms exceeds the bound of 2000 ms"])

            status.update { $0.lagMilliseconds = 2_000 }
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)

            status.update { $0.lagMilliseconds = nil }
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)

            status.update { $0.notReadyReason = "the replication slot is lost: run stockd resync" }
            problem = try await client.execute(uri: "/readyz", method: .get).problem(.serviceUnavailable)
            #expect(problem["detail"]?.string == "the replication slot is lost: run stockd resync")
        }
    }

    @Test(arguments: ["/v1/availability?sku=A", "/v1/locations/WH/stock", "/v1/changes?since=0"])
    func dataEndpointsAre503WhileTheStoreLoads(uri: String) async throws {
        let status = TestFeedStatus(FeedHTTPStatus(phase: "snapshotting", isLoaded: false))
        try await withAPI(projection: StockProjection(), status: status) { client in
            let response = try await client.execute(uri: uri, method: .get)
            try response.problem(.serviceUnavailable, slug: "store-loading")
            #expect(response.headers[.retryAfter] == "5")
            let post = try await client.execute(uri: "/v1/availability/query", method: .post, body: ByteBuffer(string: "{}"))
            try post.problem(.serviceUnavailable, slug: "store-loading")
        }
    }

    @Test func statusReportsTheSnapshotTheFeedAndCounts() async throws {
        let status = TestFeedStatus(
            FeedHTTPStatus(
                phase: "streaming",
                isLoaded: true,
                lastCommitTimeMicros: HTTPFixtures.commitTime,
                appliedLSN: "0/16B3748",
                lagBytes: 120,
                lagMilliseconds: 4,
                slotState: "active",
                transactions: 12,
                unexpectedRows: 1,
                lastError: "connection reset \"by peer\""
            )
        )
        let projection = try HTTPFixtures.projection()
        try await withAPI(projection: projection, status: status) { client in
            let response = try await client.execute(uri: "/v1/status", method: .get)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json.keys == ["instance", "snapshot", "feed", "counts"])
            #expect(json["instance"]?.isNull == true)
            #expect(json["snapshot"]?["lsn"]?.string == "0/16B3748")
            #expect(json["snapshot"]?["commit_time"]?.string == "2026-11-23T09:00:00.123Z")
            #expect(json["snapshot"]?["change_cursor"]?.string == String(projection.snapshot().changeCursor))
            let feed = try #require(json["feed"])
            #expect(feed["phase"]?.string == "streaming")
            #expect(feed["loaded"]?.bool == true)
            #expect(feed["applied_lsn"]?.string == "0/16B3748")
            #expect(feed["last_commit_time"]?.string == "2026-11-23T09:00:00.123Z")
            #expect(feed["lag_ms"]?.int == 4)
            #expect(feed["lag_bytes"]?.int == 120)
            #expect(feed["slot_state"]?.string == "active")
            #expect(feed["transactions"]?.int == 12)
            #expect(feed["unexpected_rows"]?.int == 1)
            #expect(feed["last_error"]?.string == "connection reset \"by peer\"")
            let counts = try #require(json["counts"])
            #expect(counts["variants"]?.int == 6)
            #expect(counts["templates"]?.int == 3)
            #expect(counts["locations"]?.int == 11)
            #expect(counts["warehouses"]?.int == 2)
            #expect(counts["quants"]?.int == 10)
        }
    }

    @Test func statusAnswersWhileLoadingWithNulls() async throws {
        let status = TestFeedStatus(FeedHTTPStatus(phase: "starting", isLoaded: false))
        try await withAPI(projection: StockProjection(), status: status) { client in
            let json = try await client.execute(uri: "/v1/status", method: .get).json()
            #expect(json["snapshot"]?["lsn"]?.isNull == true)
            #expect(json["snapshot"]?["commit_time"]?.isNull == true)
            #expect(json["feed"]?["loaded"]?.bool == false)
            #expect(json["feed"]?["lag_ms"]?.isNull == true)
            #expect(json["feed"]?["slot_state"]?.isNull == true)
            #expect(json["counts"]?["variants"]?.int == 0)
        }
    }

    @Test func anEmptyStoreAnswersWithANullLSN() async throws {
        try await withAPI(projection: StockProjection(), status: FixedFeedStatus()) { client in
            let json = try await client.execute(uri: "/v1/availability?sku=A", method: .get).json()
            #expect(json["as_of"]?["lsn"]?.isNull == true)
            #expect(json["as_of"]?["commit_time"]?.isNull == true)
            #expect(json["as_of"]?["lag_ms"]?.int == 0)
            #expect(json["missing"]?.array.map(\.string) == ["A"])
        }
    }
}
