import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Synchronization
import Testing

@testable import StockHTTP

/// `min_lsn` (read your writes across instances) and the instance's identity in responses.
@Suite struct ReadYourWritesTests {
    /// The read routes that take `min_lsn`, as GET paths (the POST query is checked on its own).
    static let reads = ["/v1/availability?sku=CHAIR-RED", "/v1/locations/WH/stock?limit=10", "/v1/changes?since=0"]

    static func configuration(wait: Duration, metrics: RecordingMetricsFactory? = nil) -> StockHTTPConfiguration {
        var configuration = StockHTTPConfiguration(metricsFactory: metrics)
        configuration.minLSNMaxWait = wait
        return configuration
    }

    @Test func parsesPostgreSQLsLSNText() {
        #expect(ReadYourWrites.parse("0/16B3748") == 0x16B_3748)
        #expect(ReadYourWrites.parse("16/B374D848") == 0x16_B374_D848)
        #expect(ReadYourWrites.parse("ffffffff/FFFFFFFF") == .max)
        for bad in ["", "/", "0/", "/1", "1", "0/0/0", "g/0", "0/123456789", "-1/0", "+1/0", " 0/1", "0/1 ", "٣/0"] {
            #expect(ReadYourWrites.parse(bad) == nil, "\(bad)")
        }
    }

    /// A position the snapshot already covers answers at once, with the figures as usual.
    @Test(arguments: reads)
    func aReachedPositionAnswersAtOnce(uri: String) async throws {
        let metrics = RecordingMetricsFactory()
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(wait: .seconds(5), metrics: metrics)) {
            client in
            for lsn in ["0/16B3748", "0/0", "0/16B3747"] {
                let response = try await client.execute(uri: uri + "&min_lsn=" + lsn, method: .get)
                #expect(response.status == .ok, "\(response.text)")
            }
        }
        #expect(metrics.counts(label: ReadYourWrites.counterLabel)["reached"] == 3)
    }

    /// A position the instance does not reach in time is 503 `lsn-not-reached`, with `Retry-After` and the lag.
    @Test(arguments: reads)
    func anUnreachedPositionIs503AfterTheWait(uri: String) async throws {
        let metrics = RecordingMetricsFactory()
        let status = TestFeedStatus(FeedHTTPStatus(phase: "streaming", isLoaded: true, lagBytes: 4_096, lagMilliseconds: 2_500))
        try await withAPI(
            projection: try HTTPFixtures.projection(), status: status, configuration: Self.configuration(wait: .milliseconds(200), metrics: metrics)
        ) { client in
            let start = ContinuousClock.now
            let response = try await client.execute(uri: uri + "&min_lsn=0/16B3749", method: .get)
            let waited = ContinuousClock.now - start
            let problem = try response.problem(.serviceUnavailable, slug: "lsn-not-reached")
            #expect(waited >= .milliseconds(200))
            #expect(response.headers[.retryAfter] == "3")
            #expect(problem["parameter"]?.string == "min_lsn")
            #expect(problem["lsn"]?.string == "0/16B3748")
            #expect(problem["lag_bytes"]?.int == 4_096)
            #expect(problem["lag_ms"]?.int == 2_500)
        }
        #expect(metrics.counts(label: ReadYourWrites.counterLabel)["timeout"] == 1)
    }

    /// A feed status that counts how often it is read: a read waiting for its position reads it at every step.
    final class CountingStatus: FeedStatusProvider {
        let reads = Atomic<Int>(0)
        var httpStatus: FeedHTTPStatus {
            reads.add(1, ordering: .relaxed)
            return FeedHTTPStatus(phase: "streaming", isLoaded: true, lagMilliseconds: 4)
        }
    }

    /// A read waiting for its position answers once a transaction reaching it is applied, with the new figures:
    /// never the older ones.
    @Test func aWaitingReadAnswersWithTheTransactionItWaitedFor() async throws {
        let metrics = RecordingMetricsFactory()
        let projection = try HTTPFixtures.projection()
        let status = CountingStatus()
        try await withAPI(projection: projection, status: status, configuration: Self.configuration(wait: .seconds(60), metrics: metrics)) {
            client in
            let writer = Task {
                // Applied only once the read is waiting (loaded check, first look, then steps of the wait).
                while status.reads.load(ordering: .relaxed) < 4 { try await Task.sleep(for: .milliseconds(5)) }
                try projection.apply([
                    SourceTransaction(checkpoint: Checkpoint(position: 0x200_0000, commitTime: HTTPFixtures.commitTime), changes: [])
                ])
            }
            let response = try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&min_lsn=0/2000000", method: .get)
            #expect(response.status == .ok, "\(response.text)")
            #expect(try response.json()["as_of"]?["lsn"]?.string == "0/2000000")
            try await writer.value
        }
        #expect(metrics.counts(label: ReadYourWrites.counterLabel)["waited"] == 1)
    }

    /// The feed's consistent position (the server's WAL end confirmed with nothing to apply) counts as reached
    /// although no transaction of the published tables moved the checkpoint.
    @Test func theFeedsConsistentPositionCountsAsReached() async throws {
        let status = TestFeedStatus()
        status.update { $0.consistentLSN = 0x300_0000 }
        try await withAPI(projection: try HTTPFixtures.projection(), status: status, configuration: Self.configuration(wait: .milliseconds(100))) {
            client in
            #expect(try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&min_lsn=0/3000000", method: .get).status == .ok)
            try await client.execute(uri: "/v1/availability?sku=CHAIR-RED&min_lsn=0/3000001", method: .get)
                .problem(.serviceUnavailable, slug: "lsn-not-reached")
        }
    }

    @Test func thePostQueryTakesMinLSNInItsQueryString() async throws {
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(wait: .milliseconds(50))) { client in
            let body = ByteBuffer(string: #"{"sku":["CHAIR-RED"]}"#)
            #expect(try await client.execute(uri: "/v1/availability/query?min_lsn=0/1", method: .post, body: body).status == .ok)
            try await client.execute(uri: "/v1/availability/query?min_lsn=1/0", method: .post, body: body)
                .problem(.serviceUnavailable, slug: "lsn-not-reached")
            try await client.execute(uri: "/v1/availability/query?min_lsn=x", method: .post, body: body).problem(
                .badRequest, slug: "malformed-parameter")
        }
    }

    @Test(arguments: ["x", "0", "0/", "0/1/2", "0/123456789", "0/1&min_lsn=0/1"])
    func anInvalidMinLSNIs400(value: String) async throws {
        let metrics = RecordingMetricsFactory()
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: Self.configuration(wait: .seconds(5), metrics: metrics)) {
            client in
            for uri in Self.reads {
                let problem = try await client.execute(uri: uri + "&min_lsn=" + value, method: .get).problem(
                    .badRequest, slug: "malformed-parameter")
                #expect(problem["parameter"]?.string == "min_lsn")
            }
        }
    }

    /// Routes without `min_lsn` refuse it as an unknown parameter, as any other.
    @Test func otherRoutesDoNotTakeIt() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            try await client.execute(uri: "/v1/status?min_lsn=0/1", method: .get).problem(.badRequest, slug: "unknown-parameter")
        }
    }

    // MARK: - Instance identity

    @Test func everyResponseNamesTheInstance() async throws {
        var configuration = StockHTTPConfiguration()
        configuration.instanceName = "eu_1"
        try await withAPI(projection: try HTTPFixtures.projection(), configuration: configuration) { client in
            for uri in ["/v1/availability?sku=CHAIR-RED", "/readyz", "/healthz", "/v1/status", "/v1/nowhere", "/v1/availability?nope=1"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.headers[InstanceHeaderMiddleware<StockRequestContext>.headerName] == "eu_1", "\(uri)")
            }
            let status = try await client.execute(uri: "/v1/status", method: .get).json()
            #expect(status["instance"]?.string == "eu_1")
        }
    }

    @Test func anUnnamedInstanceSendsNoHeader() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.headers[InstanceHeaderMiddleware<StockRequestContext>.headerName] == nil)
        }
    }
}
