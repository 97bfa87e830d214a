import ArgumentParser
import Dispatch
import Foundation
import Logging
import Hummingbird
import Metrics
import OdooReplication
import Prometheus
import StockHTTP
import StockProjection
import StockdApp
import Synchronization

/// `stockd serve`: load the store, follow Odoo's database and answer HTTP until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the store, take the initial snapshot if it is empty, follow Odoo's database, and serve the HTTP API."
    )

    @OptionGroup var options: CommonOptions

    @Option(name: .customLong("token"), help: "A bearer token and its scopes, TOKEN:read or TOKEN:read,admin (repeatable; also STOCKD_HTTP_TOKENS, ';'-separated).")
    var tokens: [String] = []

    @Flag(name: .customLong("insecure-no-auth"), help: "Allow listening on a non-loopback address without any token.")
    var insecureNoAuth = false

    @Option(name: .customLong("max-body-bytes"), help: "The largest request body in bytes (http.max_body_bytes).")
    var maxBodyBytes: Int?

    @Option(name: .customLong("max-identifiers"), help: "The most identifiers per availability request (http.max_identifiers).")
    var maxIdentifiers: Int?

    @Option(name: .customLong("default-page-size"), help: "The page size without `limit` (http.default_page_size).")
    var defaultPageSize: Int?

    @Option(name: .customLong("max-page-size"), help: "The largest `limit` (http.max_page_size).")
    var maxPageSize: Int?

    @Option(name: .customLong("max-connections"), help: "The most connections served at once (http.max_connections).")
    var maxConnections: Int?

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may go without completing a request part (http.idle_timeout_seconds).")
    var idleTimeout: Int?

    @Option(name: .customLong("request-timeout"), help: "Seconds a request may wait for its response to start (http.request_timeout_seconds).")
    var requestTimeout: Int?

    @Option(name: .customLong("write-timeout"), help: "Seconds a client may take no output before its connection is closed (http.write_timeout_seconds).")
    var writeTimeout: Int?

    @Option(name: .customLong("status-every"), help: "Log the feed's status every N seconds (0: never).")
    var statusEvery: Double = 10

    @Option(name: .customLong("stop-at-lsn"), help: ArgumentHelp("Benchmarks: stop once this LSN is applied and print a summary.", visibility: .hidden))
    var stopAtLSN: String?

    @Option(name: .customLong("stop-after"), help: ArgumentHelp("Benchmarks: stop after this many seconds and print a summary.", visibility: .hidden))
    var stopAfter: Double?

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load { overrides in
                overrides.maxBodyBytes = maxBodyBytes
                overrides.maxIdentifiers = maxIdentifiers
                overrides.defaultPageSize = defaultPageSize
                overrides.maxPageSize = maxPageSize
                overrides.maxConnections = maxConnections
                overrides.idleTimeoutSeconds = idleTimeout
                overrides.requestTimeoutSeconds = requestTimeout
                overrides.writeTimeoutSeconds = writeTimeout
            }
            let logger = options.logger(configuration)
            // Metrics first: the feed creates its instruments when it is made, and instruments made before the
            // bootstrap go to the no-op backend for ever.
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
            let feed = try makeFeed(configuration: configuration, runtime: runtime, logger: logger)
            feed.start()
            let hangups = HangupSignal { feed.requestResync() }
            defer { withExtendedLifetime(hangups) {} }
            if stopAtLSN != nil || stopAfter != nil {
                try await runBenchmark(feed: feed)
                return
            }
            let environmentTokens = ProcessInfo.processInfo.environment["STOCKD_HTTP_TOKENS"].map { $0.split(separator: ";").map(String.init) } ?? []
            let application = try HTTPServer.application(
                projection: runtime.projection,
                feed: feed,
                configuration: configuration,
                tokens: try HTTPServer.tokens(tokens + environmentTokens),
                insecureNoAuth: insecureNoAuth,
                metricsHandler: { registry.emitToString() },
                logger: logger
            )
            let server = Task { try await application.run() }
            await waitForTermination(every: statusEvery) {
                let status = feed.status
                logger.info(
                    "feed",
                    metadata: [
                        "phase": "\(status.phase.rawValue)", "replication.lsn": "\(status.appliedCheckpoint?.description ?? "-")",
                        "lag_bytes": "\(status.lagBytes)", "transactions": "\(status.transactions)", "unexpected": "\(status.unexpectedRows)",
                        "freshness_p50_ms": "\(Double(status.freshness.percentile(50) ?? 0) / 1000)",
                        "freshness_p99_ms": "\(Double(status.freshness.percentile(99) ?? 0) / 1000)",
                    ]
                )
            }
            logger.info("stopping: closing HTTP, committing the transactions in hand and confirming them to PostgreSQL")
            server.cancel()
            _ = await server.result
            feed.stop()
        }
    }
}

extension Serve {
    /// Benchmark mode: wait for the LSN (from when streaming starts) or the duration, then print one JSON line.
    func runBenchmark(feed: ReplicationFeed) async throws {
        let target = stopAtLSN.flatMap(ReplicationSlot.parseLSN)
        if stopAtLSN != nil && target == nil { throw ValidationError("--stop-at-lsn takes an LSN such as 0/16B3748") }
        while feed.status.phase != .streaming { try await Task.sleep(for: .milliseconds(1)) }
        let clock = ContinuousClock()
        let started = clock.now
        let startRows = feed.status.rowChanges
        while true {
            let status = feed.status
            if let target, (status.appliedLSN ?? 0) >= target || (status.confirmedLSN ?? 0) >= target { break }
            if let stopAfter, clock.now - started >= .seconds(stopAfter) { break }
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let status = feed.status
        feed.stop()
        let rows = status.rowChanges - startRows
        func ms(_ p: Double) -> String { status.freshness.percentile(p).map { String(Double($0) / 1000) } ?? "null" }
        print(
            "{\"seconds\":\(seconds),\"transactions\":\(status.transactions),\"row_changes\":\(rows),"
                + "\"row_changes_per_second\":\(Int(Double(rows) / max(seconds, 1e-9))),\"commits\":\(status.commits),"
                + "\"freshness_ms\":{\"p50\":\(ms(50)),\"p90\":\(ms(90)),\"p99\":\(ms(99)),\"max\":\(ms(100))},"
                + "\"freshness_samples\":\(status.freshness.count),\"unexpected_rows\":\(status.unexpectedRows)}"
        )
    }
}

/// Waits for SIGINT or SIGTERM, calling `tick` every `seconds` meanwhile.
func waitForTermination(every seconds: Double, _ tick: () -> Void) async {
    let watcher = TerminationSignals()
    var sinceTick = 0.0
    while !watcher.received {
        try? await Task.sleep(for: .milliseconds(200))
        sinceTick += 0.2
        if seconds > 0 && sinceTick >= seconds {
            sinceTick = 0
            tick()
        }
    }
}

/// Catches SIGINT and SIGTERM so the process can stop gracefully instead of dying mid-commit.
final class TerminationSignals: @unchecked Sendable {
    // @unchecked: `sources` is written once in init and only kept alive afterwards; the flag is atomic.
    private var sources: [any DispatchSourceSignal] = []
    private let flag = Atomic<Bool>(false)

    init() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [unowned self] in self.flag.store(true, ordering: .releasing) }
            source.resume()
            sources.append(source)
        }
    }

    var received: Bool { flag.load(ordering: .acquiring) }
}

/// SIGHUP asks the feed for a resync (`kill -HUP <pid>`), so a lost slot can be repaired without a restart.
final class HangupSignal: @unchecked Sendable {
    // @unchecked: `source` is written once in init and only kept alive afterwards.
    private let source: any DispatchSourceSignal

    init(_ action: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler(handler: action)
        source.resume()
    }
}
