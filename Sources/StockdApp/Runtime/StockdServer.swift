import Foundation
public import Logging
import Metrics
import OdooReplication
import Prometheus
import ServiceLifecycle
public import StockHTTP
import StockStorage
import StockWebhooks
import Synchronization
import UnixSignals

/// `stockd serve`, composed: the metrics backend, the store loaded into the projection, the replication feed and
/// the HTTP API, run as services of one `ServiceGroup`.
///
/// SIGTERM or SIGINT shuts the group down gracefully in reverse order: the HTTP server stops accepting and
/// finishes the requests in hand, then the feed commits the transaction group in hand and confirms it to
/// PostgreSQL, then the process exits. SIGHUP asks for a resync.
public struct StockdServer {
    let configuration: StockdConfiguration
    let tokens: [String: Set<AccessScope>]
    let tokenNames: [String: String]
    let insecureNoAuth: Bool
    let statusLogInterval: Duration
    let logger: Logger

    /// Creates the server.
    ///
    /// - Parameters:
    ///   - configuration: The loaded configuration.
    ///   - tokens: Bearer tokens and their scopes.
    ///   - tokenNames: Tokens' names, recorded by the admin API's audit log.
    ///   - insecureNoAuth: Whether to listen beyond loopback without any token.
    ///   - statusLogInterval: How often to log the feed's status (zero: never).
    ///   - logger: Where to log.
    public init(
        configuration: StockdConfiguration,
        tokens: [String: Set<AccessScope>],
        tokenNames: [String: String] = [:],
        insecureNoAuth: Bool,
        statusLogInterval: Duration,
        logger: Logger
    ) {
        self.configuration = configuration
        self.tokens = tokens
        self.tokenNames = tokenNames
        self.insecureNoAuth = insecureNoAuth
        self.statusLogInterval = statusLogInterval
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    ///
    /// - Throws: A refusal to start (no source, no token beyond loopback), a store that cannot be opened, or what a
    ///   service fails with.
    public func run() async throws {
        // Metrics first: the feed creates its instruments when it is made, and instruments made before the
        // bootstrap go to the no-op backend for ever.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        // Which instance this is (and its slot), for dashboards of several instances behind a balancer.
        Gauge(
            label: "stockd_instance_info",
            dimensions: [("instance", configuration.instance.name ?? ""), ("slot", configuration.source.slot)]
        ).record(1)
        let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
        let leftovers = StoreSnapshotExport.removeLeftovers(ofStoreAt: configuration.store.path)
        if leftovers > 0 { logger.notice("removed store copies left by earlier exports", metadata: ["count": "\(leftovers)"]) }
        // The live event stream: the feed publishes each commit's outbox records into the hub after the LMDB
        // commit; the hub reads the outbox of the store in use for catch-up. The feed is made after the hub and
        // holds it; the hub reads the feed's store through a box set once the feed exists.
        let feedBox = FeedBox()
        let events = EventStreamHub(
            outbox: LMDBEventOutbox(current: { feedBox.feed?.store as? LMDBProjectionStore }),
            settings: EventStreamHub.Settings(
                bufferCapacity: configuration.http.eventsStreamBuffer,
                maxClients: configuration.http.eventsStreamMaxClients,
                keepAliveInterval: .seconds(configuration.http.eventsStreamKeepAliveSeconds),
                maxDuration: configuration.http.eventsStreamMaxDurationMilliseconds > 0
                    ? .milliseconds(configuration.http.eventsStreamMaxDurationMilliseconds) : nil
            )
        )
        // Webhook subscriptions wait on this between reads of the outbox; the writer wakes them after each commit
        // that adds events, so a delivery does not wait for a poll.
        let webhookWakeUp = WebhookWakeUp()
        let feed = try ReplicationRuntime.feed(configuration: configuration, runtime: runtime, logger: logger) { records in
            events.publish(records)
            webhookWakeUp.notify(committed: records)
        }
        feedBox.feed = feed
        let currentStore: @Sendable () -> LMDBProjectionStore? = { feed.store as? LMDBProjectionStore }
        let webhooks = try configuration.webhookDispatcher(store: currentStore, wakeUp: webhookWakeUp, logger: logger)
        let administration = try configuration.eventAdministrator(
            runtime: runtime, store: currentStore, registry: webhooks?.registry, logger: logger)
        let application = try HTTPServer.application(
            projection: runtime.projection,
            feed: feed,
            eventStream: events,
            configuration: configuration,
            tokens: tokens,
            tokenNames: tokenNames,
            insecureNoAuth: insecureNoAuth,
            metricsHandler: { registry.emitToString() },
            administration: administration,
            logger: logger
        )
        // Shut down in reverse order: HTTP first (stop accepting, finish requests), the feed last.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: ReplicationService(feed: feed), serviceName: "replication")
                ] + (webhooks.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0, serviceName: "webhooks")] } ?? []) + [
                    .init(service: ResyncOnHangupService(feed: feed), successTerminationBehavior: .ignore, serviceName: "resync-on-sighup"),
                    .init(
                        service: FeedStatusLogService(feed: feed, interval: statusLogInterval, logger: logger),
                        successTerminationBehavior: .ignore,
                        serviceName: "feed-status-log"
                    ),
                    .init(service: application, serviceName: "http"),
                    // After "http": shut down first, ending the event streams so the server's shutdown does not wait on them.
                    .init(service: EventStreamService(hub: events), serviceName: "event-stream"),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        logger.info("stopped: HTTP closed, the transactions in hand committed and confirmed to PostgreSQL")
    }
}

/// The feed, set once after it is made (the event hub, made before it, reads its store through this).
private final class FeedBox: Sendable {
    private let box = Mutex<ReplicationFeed?>(nil)

    var feed: ReplicationFeed? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }
}
