import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockCatalogue
import StockProjection
import Synchronization
import Testing

@testable import StockHTTP

/// The server's connection limits over real sockets: idle (request-head) timeout, the connection limit, the
/// request deadline and the write deadline of streamed responses.
///
/// The configured timeouts are short (about a second) and every wait has a limit. The limits are generous (tens of
/// seconds): under the full test run on two cores the cooperative threads these tests poll from can be starved
/// for many seconds, while what the tests guard against is a connection kept forever.
@Suite(.serialized) struct ConnectionLimitTests {
    /// Runs `body` with the port of a live server built as `stockd serve` builds it, on 127.0.0.1.
    ///
    /// Not `app.test(.live)`: its test application rebuilds the configuration with `with(address:)`, which
    /// drops the connection limit, and its client holds a connection of its own.
    static func withServer<T: Sendable>(
        router: Router<StockRequestContext>,
        connections: StockHTTPConfiguration.Connections,
        metrics: RecordingMetricsFactory? = nil,
        _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        let configuration = StockHTTPConfiguration(metricsFactory: metrics, connections: connections)
        let bound = BoundPort()
        let app = buildApplication(
            router: router,
            address: .hostname("127.0.0.1", port: 0),
            configuration: configuration,
            logger: quietLogger,
            onServerRunning: { port in bound.value.store(port ?? -1, ordering: .releasing) }
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            let clock = ContinuousClock()
            let start = clock.now
            while bound.value.load(ordering: .acquiring) == 0 && clock.now - start < .seconds(60) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let port = bound.value.load(ordering: .acquiring)
            guard port > 0 else { throw RawConnection.Failure(description: "the server did not start listening within 60 s") }
            return try await body(port)
        }
    }

    static func router(configuration: StockHTTPConfiguration = StockHTTPConfiguration()) throws -> Router<StockRequestContext> {
        buildRouter(projection: try HTTPFixtures.projection(), status: TestFeedStatus(), configuration: configuration)
    }

    static let healthz = "GET /healthz HTTP/1.1\r\nHost: stockd\r\n\r\n"

    @Test func halfARequestHeadIsClosedAfterTheIdleTimeout() async throws {
        let metrics = RecordingMetricsFactory()
        let connections = StockHTTPConfiguration.Connections(idleTimeout: .seconds(1))
        try await Self.withServer(router: try Self.router(), connections: connections, metrics: metrics) { port in
            // Half a head, then nothing (the slowloris).
            let half = try RawConnection(port: port)
            try half.send("GET /healthz HTTP/1.1\r\nHost: stockd\r\n")
            let outcome = try await half.waitForClose(within: .seconds(20))
            guard case .closed(let after) = outcome else {
                Issue.record("a half-sent request head was still connected after 20 s")
                return
            }
            #expect(after >= .milliseconds(800), "closed after \(after), before the idle timeout")
            #expect(after < .seconds(15), "closed after \(after)")
            #expect(half.received.isEmpty)

            // A head sent one byte at a time: bytes keep arriving, but no head completes.
            let trickle = try RawConnection(port: port)
            let clock = ContinuousClock()
            let start = clock.now
            var trickleClosed = false
            for byte in "GET /healthz HTTP/1.1\r\nHost: stockd\r\nX-Padding: " + String(repeating: "a", count: 200) {
                if trickle.hasBeenClosed() {
                    trickleClosed = true
                    break
                }
                try? trickle.send(String(byte))
                try await Task.sleep(for: .milliseconds(100))
                if clock.now - start > .seconds(20) { break }
            }
            #expect(trickleClosed, "a head trickled a byte at a time was still connected after \(clock.now - start)")
            #expect(clock.now - start < .seconds(15))

            // A kept-alive connection that goes quiet after a complete exchange.
            let idle = try RawConnection(port: port)
            // Measured from the request, not from when this (possibly descheduled) task read the response: the
            // idle time starts when the response was written, which is after the request was sent.
            let sent = clock.now
            try idle.send(Self.healthz)
            let response = try await idle.readResponse(within: .seconds(20))
            #expect(response?.status == 200)
            guard case .closed = try await idle.waitForClose(within: .seconds(20)) else {
                Issue.record("an idle kept-alive connection was still open after 20 s")
                return
            }
            let quiet = clock.now - sent
            #expect(quiet >= .milliseconds(800) && quiet < .seconds(15), "closed \(quiet) after the request")
        }
        #expect(metrics.counts(label: ConnectionMetrics.closedLabel)["idle_timeout"] == 3)
    }

    @Test func connectionsBeyondTheLimitWaitUntilOneCloses() async throws {
        let metrics = RecordingMetricsFactory()
        let connections = StockHTTPConfiguration.Connections(maxConnections: 2, idleTimeout: .seconds(30))
        try await Self.withServer(router: try Self.router(), connections: connections, metrics: metrics) { port in
            let first = try RawConnection(port: port)
            try first.send(Self.healthz)
            #expect(try await first.readResponse(within: .seconds(20))?.status == 200)
            let second = try RawConnection(port: port)
            try second.send(Self.healthz)
            #expect(try await second.readResponse(within: .seconds(20))?.status == 200)

            // The third connects (the kernel's listen queue takes it) but is not served while two are open.
            let third = try RawConnection(port: port)
            try third.send(Self.healthz)
            let early = try await third.readResponse(within: .milliseconds(1_500))
            #expect(early == nil, "the connection over the limit was served: \(String(describing: early))")
            #expect(metrics.lastValue(label: ConnectionMetrics.openLabel) == 2)

            // As soon as one closes, the waiting connection is served.
            first.shutdown()
            let late = try await third.readResponse(within: .seconds(20))
            #expect(late?.status == 200)
            #expect(try await second.readResponse(within: .milliseconds(1)) == nil)
            second.shutdown()
            third.shutdown()
        }
        #expect((metrics.counts(label: ConnectionMetrics.limitReachedLabel)[""] ?? 0) >= 1)
    }

    @Test func aHandlerPastTheRequestDeadlineGets503AndTheConnectionIsClosed() async throws {
        let metrics = RecordingMetricsFactory()
        let router = try Self.router()
        router.get("/test/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(30))
            return "late"
        }
        let connections = StockHTTPConfiguration.Connections(requestTimeout: .milliseconds(500))
        try await Self.withServer(router: router, connections: connections, metrics: metrics) { port in
            let slow = try RawConnection(port: port)
            let clock = ContinuousClock()
            let start = clock.now
            try slow.send("GET /test/slow HTTP/1.1\r\nHost: stockd\r\n\r\n")
            let response = try await slow.readResponse(within: .seconds(20))
            let elapsed = clock.now - start
            #expect(response?.status == 503, "\(String(describing: response))")
            #expect(elapsed < .seconds(15), "answered after \(elapsed)")
            #expect(response?.headers.lowercased().contains("content-type: application/problem+json") == true)
            #expect(response?.headers.lowercased().contains("connection: close") == true)
            let problem = try JSONParser.parse(Array((response?.body ?? "").utf8))
            #expect(problem["type"]?.string == "urn:stockd:problem:request-timeout")
            #expect(problem["status"]?.int == 503)
            guard case .closed = try await slow.waitForClose(within: .seconds(20)) else {
                Issue.record("the connection stayed open after the 503")
                return
            }
            #expect(!String(decoding: slow.received, as: UTF8.self).contains("late"))

            // Fast requests are untouched.
            let fast = try RawConnection(port: port)
            try fast.send(Self.healthz)
            #expect(try await fast.readResponse(within: .seconds(20))?.status == 200)
        }
        #expect(metrics.counts(label: ConnectionMetrics.closedLabel)["request_timeout"] == 1)
    }

    /// A reader that stops draining an NDJSON stream gets it closed after the write deadline, and the snapshot
    /// the stream read from is released (it is not pinned until the client goes away).
    @Test func aStalledNDJSONReaderIsCutAndItsSnapshotReleased() async throws {
        let metrics = RecordingMetricsFactory()
        // The stream must be larger than what the kernel buffers on loopback (about 3 MB with a 4 MiB tcp_wmem).
        let (projection, catalogue) = try HTTPFixtures.catalogueProjection(variants: 40_000)
        let router = buildRouter(projection: projection, status: TestFeedStatus(), configuration: StockHTTPConfiguration(metricsFactory: metrics))
        let connections = StockHTTPConfiguration.Connections(writeTimeout: .seconds(1))
        let streamed = WeakSnapshot(projection.snapshot())
        try await Self.withServer(router: router, connections: connections, metrics: metrics) { port in
            let reader = try RawConnection(port: port, receiveBuffer: 4_096)
            try reader.send("GET /v1/locations/WH/stock HTTP/1.1\r\nHost: stockd\r\nAccept: application/x-ndjson\r\n\r\n")
            // A new commit: the stream's snapshot is now held by the stream alone.
            var operations = OdooOperations(catalogue: catalogue)
            try projection.apply([operations.next()])
            // Another request moves the API's one-entry snapshot stamp cache on to the new snapshot.
            let other = try RawConnection(port: port)
            try other.send("GET /v1/availability?sku=none HTTP/1.1\r\nHost: stockd\r\n\r\n")
            #expect(try await other.readResponse(within: .seconds(20))?.status == 200)
            // The client reads nothing, so the server's close is seen from its side: the count moves.
            let clock = ContinuousClock()
            let start = clock.now
            func cut() -> Bool { metrics.counts(label: ConnectionMetrics.closedLabel)["write_timeout"] == 1 }
            while !cut() && clock.now - start < .seconds(30) {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(cut(), "the stalled stream was not cut within \(clock.now - start)")
            #expect(clock.now - start < .seconds(25), "cut after \(clock.now - start)")
            let cutAt = clock.now
            while streamed.isAlive && clock.now - cutAt < .seconds(15) {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(!streamed.isAlive, "the stream's snapshot is still alive \(clock.now - cutAt) after the stream was cut")

            // Reading now gets what the kernel had queued, then the end of the connection, not the end of the stream.
            let outcome = try await reader.waitForClose(within: .seconds(30))
            #expect(outcome != .stillOpen, "the connection stayed open")
            #expect(!reader.received.suffix(5).elementsEqual(Array("0\r\n\r\n".utf8)), "the whole stream arrived")
            reader.shutdown()
        }
    }
}

/// A weak reference to a snapshot, to see when its last strong reference goes.
struct WeakSnapshot: Sendable {
    weak var snapshot: ProjectionSnapshot?

    init(_ snapshot: ProjectionSnapshot) { self.snapshot = snapshot }

    var isAlive: Bool { snapshot != nil }
}

/// The port a test server bound, once it listens (0 until then, -1 if unknown).
final class BoundPort: Sendable {
    let value = Atomic<Int>(0)
}
