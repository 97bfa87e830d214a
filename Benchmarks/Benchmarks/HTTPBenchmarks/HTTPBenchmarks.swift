import Benchmark
import BenchmarkFixtures
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import StockCatalogue
import StockHTTP
import StockProjection

// Requests through stockd's real router, in process: the middleware (request metrics and logs, 405 handling), the
// controller, the snapshot read and the JSON body, with the response body written out. No socket and no HTTP
// codec, so what is counted is what stockd itself does per request; `GET /healthz` through the same router is the
// floor. Allocations per request are gated in CI (Benchmarks/Thresholds/HTTPBenchmarks.*).

/// A router over the benchmark catalogue and everything a request needs, built outside the measurements.
final class RouterFixture: Sendable {
    let responder: RouterResponder<StockRequestContext>
    let channel: EmbeddedChannel
    let logger: Logger
    /// Requests for `GET /v1/availability?sku=…&warehouse=WH`, one per SKU, in a seeded random order.
    let singleSKURequests: [String]
    /// A `POST /v1/availability/query` body naming 100 SKUs.
    let hundredSKUBody: ByteBuffer

    init(size: Int) {
        let fixture = CatalogueFixture.shared(size)
        let router = buildRouter(projection: fixture.projection, status: FixedFeedStatus(), configuration: StockHTTPConfiguration())
        responder = router.buildResponder()
        channel = EmbeddedChannel()
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        self.logger = logger
        let skuByVariant = Dictionary(
            fixture.catalogue.variants.compactMap { variant in variant.sku.map { (variant.id, $0) } }, uniquingKeysWith: { first, _ in first })
        let skus = fixture.lookupOrder.compactMap { skuByVariant[$0] }
        singleSKURequests = skus.map { "/v1/availability?sku=\($0)&warehouse=WH" }
        let quoted = skus.prefix(100).map { "\"\($0)\"" }.joined(separator: ",")
        hundredSKUBody = ByteBuffer(string: #"{"sku":[\#(quoted)],"warehouse":"WH"}"#)
    }

    /// Sends one request through the router and drains the response body; returns the status code.
    func send(_ method: HTTPRequest.Method, _ path: String, body: ByteBuffer? = nil) async throws -> Int {
        var fields = HTTPFields()
        if body != nil { fields[.contentType] = "application/json" }
        let head = HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path, headerFields: fields)
        let request = Request(head: head, body: RequestBody(buffer: body ?? ByteBuffer()))
        let context = StockRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
        let response = try await responder.respond(to: request, context: context)
        var sink = DiscardingBodyWriter()
        try await response.body.write(sink)
        _ = sink
        return response.status.code
    }
}

/// Reads every byte of a response body and keeps only the count.
struct DiscardingBodyWriter: ResponseBodyWriter {
    var bytes = 0
    mutating func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytes }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(1),
        maxIterations: 100_000
    )

    for size in BenchmarkSizes.catalogues {
        let label = BenchmarkSizes.label(size)
        Benchmark("router-healthz-floor-\(label)") { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try await fixture.send(.get, "/healthz"))
            }
        } setup: {
            RouterFixture(size: size)
        }

        Benchmark("router-get-availability-one-sku-warehouse-\(label)") { benchmark, fixture in
            let requests = fixture.singleSKURequests
            var index = 0
            for _ in benchmark.scaledIterations {
                let status = try await fixture.send(.get, requests[index & (requests.count - 1)])
                precondition(status == 200, "GET availability answered \(status)")
                index &+= 1
            }
        } setup: {
            RouterFixture(size: size)
        }

        Benchmark("router-post-query-100-skus-warehouse-\(label)") { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                let status = try await fixture.send(.post, "/v1/availability/query", body: fixture.hundredSKUBody)
                precondition(status == 200, "POST query answered \(status)")
            }
        } setup: {
            RouterFixture(size: size)
        }
    }
}
