import LibPQ
public import Logging
import OdooReplication
public import StockCatalogue
import StockProjection
import StockStorage
import StockWebhooks
import Synchronization

/// What each `stockd` subcommand does once its flags are parsed: the executable only parses arguments, loads
/// the configuration and prints what these return.
///
/// Each function opens what it needs (the store, the source), does the work and returns the text to print, so it
/// can be run from tests without a process. Failures are thrown with a one-line description.
public enum StockdCommands {
    /// A command that cannot run as configured.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// One line for the operator.
        public var description: String
    }

    /// `stockd generate`: fills an empty store with a generated Odoo-shaped catalogue.
    ///
    /// - Returns: A summary line.
    public static func generate(configuration: StockdConfiguration, shape: CatalogueShape, logger: Logger) throws -> String {
        let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
        let catalogue = try CatalogueImport.run(shape: shape, into: runtime.projection, store: runtime.store)
        return "generated \(catalogue.variants.count) variants, \(catalogue.quants.count) quants, \(catalogue.locations.count) locations, "
            + "\(catalogue.warehouses.count) warehouses into \(configuration.store.path)"
    }

    /// `stockd inspect`: what a store holds.
    ///
    /// - Returns: The report as text, or as one JSON object when `json` is set.
    public static func inspect(configuration: StockdConfiguration, json: Bool, logger: Logger) throws -> String {
        let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
        let info = try runtime.store.info()
        let snapshot = runtime.projection.snapshot()
        return json
            ? StoreReport.json(info: info, snapshot: snapshot, loadSeconds: runtime.loadSeconds)
            : StoreReport.text(info: info, snapshot: snapshot, loadSeconds: runtime.loadSeconds)
    }

    /// `stockd query`: the figures of one SKU from a store, without a server.
    ///
    /// - Throws: ``AvailabilityReport/Failure`` for an unknown warehouse, location or SKU.
    public static func query(
        configuration: StockdConfiguration, sku: String, warehouse: String?, location: String?, grouping: AvailabilityReport.Grouping,
        logger: Logger
    ) throws -> String {
        let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
        let snapshot = runtime.projection.snapshot()
        let scope = try AvailabilityReport.scope(warehouse: warehouse, location: location, in: snapshot)
        return try AvailabilityReport.text(sku: sku, scope: scope, grouping: grouping, snapshot: snapshot)
    }

    /// `stockd simulate`: random Odoo-style operations applied to a generated store (generated first if empty).
    ///
    /// - Returns: The summary lines.
    public static func simulate(
        configuration: StockdConfiguration, shape: CatalogueShape, seconds: Double, transactionsPerSecond: Int, logger: Logger
    ) throws -> String {
        let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
        let catalogue = OdooCatalogue(shape: shape)
        if runtime.projection.snapshot().checkpoint == nil {
            try CatalogueImport.run(shape: shape, into: runtime.projection, store: runtime.store)
        }
        let summary = try OperationSimulator.run(
            catalogue: catalogue, runtime: runtime, seconds: seconds, transactionsPerSecond: transactionsPerSecond, logger: logger)
        let perSecond = Int(Double(summary.transactions) / max(summary.seconds, 0.001))
        return "applied \(summary.transactions) transactions (\(summary.rowChanges) row changes) in \(summary.commits) LMDB commits over "
            + "\(String(summary.seconds.rounded())) s: \(perSecond) transactions/s\n"
            + "checkpoint \(runtime.projection.snapshot().checkpoint?.description ?? "-")"
    }

    /// `stockd resync`: rebuilds the store from a fresh snapshot of Odoo's database, with no server running.
    ///
    /// - Returns: A summary line.
    public static func resync(configuration: StockdConfiguration, logger: Logger) throws -> String {
        let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
        let feed = try ReplicationRuntime.feed(configuration: configuration, runtime: runtime, logger: logger)
        try feed.resyncNow()
        let snapshot = runtime.projection.snapshot()
        return
            "resynced: checkpoint \(snapshot.checkpoint?.description ?? "-"), \(snapshot.counts.quants) quants, \(snapshot.counts.variants) variants"
    }

    /// What `stockd setup` found.
    public struct SetupOutcome: Sendable {
        /// The text to print.
        public var text: String
        /// Whether the source can feed stockd as it is (otherwise the command exits 1).
        public var ready: Bool
    }

    /// `stockd setup`: checks the source database and creates the publication.
    ///
    /// - Throws: ``Failure`` when no source is configured, or the connection's error.
    public static func setup(configuration: StockdConfiguration) throws -> SetupOutcome {
        guard let dsn = configuration.source.dsn else { throw Failure(description: "no source: pass --dsn or set source.dsn") }
        let report = try SourceSetup(dsn: dsn, publication: configuration.source.publication).run()
        var lines = report.lines
        if !report.sqlForDBA.isEmpty {
            lines.append("\nA DBA must run, then run `stockd setup` again:\n")
            lines += report.sqlForDBA.map { "  " + $0 }
        }
        if !report.ready || !report.warnings.isEmpty {
            lines.append("\nA dedicated least-privilege role for stockd (as a superuser; choose the password), then connect as it:\n")
            lines += report.dedicatedRoleSQL.map { "  " + $0 }
        }
        if report.ready { lines.append("\nready: `stockd serve` will take the initial snapshot and follow the stream") }
        return SetupOutcome(text: lines.joined(separator: "\n"), ready: report.ready)
    }

    /// `stockd decommission`: drops an instance's replication slot so PostgreSQL stops keeping WAL for it.
    ///
    /// - Parameter slot: The slot to drop; `nil` for the configured one (`source.slot`, derived from `instance.name`).
    /// - Returns: What was dropped and how much WAL it held.
    /// - Throws: ``Failure`` when no source is configured, the slot does not exist, or it is active (an instance still
    ///   streams from it: stop that instance first); the connection's error otherwise.
    public static func decommission(configuration: StockdConfiguration, slot: String?) throws -> String {
        guard let dsn = configuration.source.dsn else { throw Failure(description: "no source: pass --dsn or set source.dsn") }
        let name = slot ?? configuration.source.slot
        let connection = try PostgresConnection(conninfo: dsn)
        let handle = ReplicationSlot(name: name)
        guard let status = try handle.status(on: connection) else {
            throw Failure(description: "no replication slot \(name) in this database: nothing to decommission")
        }
        if status.active {
            throw Failure(
                description: "slot \(name) is active (server process \(status.activePID.map(String.init) ?? "?") streams from it): "
                    + "stop that instance first, then run decommission again")
        }
        let held = status.retainedBytes.map(SourceSetup.bytesText) ?? "an unknown amount"
        do {
            try handle.drop(on: connection)
        } catch let error as PostgresError where error.sqlState == "55006" {
            throw Failure(description: "slot \(name) became active while being dropped: stop its instance first (\(error.message))")
        }
        return "dropped replication slot \(name); it held \(held) of WAL, which PostgreSQL may now recycle"
    }

    /// `stockd ingest-benchmark`: runs the feed from the configured store until `stop`, then prints one JSON line.
    ///
    /// With an events file that has subscriptions, their webhook deliveries run during the measurement as under
    /// `stockd serve` (woken by the writer after each commit that adds events), so the ingest rate includes the
    /// CPU they take; the line then also says what they delivered during the measurement, and how long after it
    /// the live subscriptions took to handle the rest of the outbox (`webhooks`, waiting at most
    /// `drainTimeout`).
    public static func ingestBenchmark(
        configuration: StockdConfiguration, stop: IngestMeasurement.Stop, drainTimeout: Duration = .seconds(300), logger: Logger
    ) async throws -> String {
        let runtime = try ProjectionRuntime(configuration: configuration, logger: logger)
        let wakeUp = WebhookWakeUp()
        final class Written: Sendable { let count = Atomic<Int>(0) }
        let written = Written()
        let feed = try ReplicationRuntime.feed(configuration: configuration, runtime: runtime, logger: logger) { records in
            written.count.add(records.count, ordering: .relaxed)
            wakeUp.notify(committed: records)
        }
        let dispatcher =
            configuration.events.rulesFile == nil
            ? nil : try configuration.webhookDispatcher(store: { feed.store as? LMDBProjectionStore }, wakeUp: wakeUp, logger: logger)
        let deliveries = dispatcher.map { dispatcher in Task { try await dispatcher.run() } }
        defer { deliveries?.cancel() }
        let line = try await IngestMeasurement.run(feed: feed, until: stop)
        guard let dispatcher, !dispatcher.registry.all.isEmpty else { return line }
        let (messages, events) = (dispatcher.deliveredMessages, dispatcher.deliveredEvents)
        let clock = ContinuousClock()
        let started = clock.now
        while try !dispatcher.liveSubscriptionsCaughtUp(), clock.now - started < drainTimeout {
            try await Task.sleep(for: .milliseconds(5))
        }
        let drained = clock.now - started
        let drainSeconds = Double(drained.components.seconds) + Double(drained.components.attoseconds) / 1e18
        return String(line.dropLast())
            + ",\"webhooks\":{\"events_written\":\(written.count.load(ordering: .relaxed)),\"messages_during\":\(messages),"
            + "\"events_during\":\(events),\"messages_total\":\(dispatcher.deliveredMessages),"
            + "\"events_total\":\(dispatcher.deliveredEvents),\"drain_seconds\":\(drainSeconds)}}"
    }
}
