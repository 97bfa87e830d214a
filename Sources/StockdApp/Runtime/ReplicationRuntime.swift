import LibPQ
public import Logging
public import OdooReplication
public import StockProjection

/// Builds the replication feed the configuration describes, over a loaded runtime: the one place where the feed's
/// settings are taken from the configuration.
public enum ReplicationRuntime {
    /// Why no feed can be built.
    public struct Refusal: Error, CustomStringConvertible {
        /// What is missing.
        public var description: String
    }

    /// The feed's settings from the configuration.
    ///
    /// - Throws: ``Refusal`` when no source DSN is configured.
    public static func feedConfiguration(_ configuration: StockdConfiguration) throws(Refusal) -> FeedConfiguration {
        guard let dsn = configuration.source.dsn else { throw Refusal(description: "no source: pass --dsn or set source.dsn") }
        return FeedConfiguration(
            dsn: dsn,
            slot: configuration.source.slot,
            publication: configuration.source.publication,
            stallTimeoutMilliseconds: configuration.source.stallTimeoutMilliseconds,
            autoResync: configuration.source.autoResync,
            syncIntervalMilliseconds: configuration.store.syncIntervalMilliseconds
        )
    }

    /// The feed over a loaded runtime, with the kit rules of the source's Odoo version applied first.
    ///
    /// Create it after `MetricsSystem.bootstrap` (its instruments are made with it).
    ///
    /// - Parameter eventsCommitted: Called after each store commit with the outbox records it wrote (the live
    ///   event stream's hub).
    /// - Throws: ``Refusal`` when no source DSN is configured.
    public static func feed(
        configuration: StockdConfiguration, runtime: ProjectionRuntime, logger: Logger,
        eventsCommitted: (@Sendable ([OutboxRecord]) -> Void)? = nil
    ) throws -> ReplicationFeed {
        let feedConfiguration = try feedConfiguration(configuration)
        applyOdooVersion(configuration: configuration, dsn: feedConfiguration.dsn, projection: runtime.projection, logger: logger)
        return ReplicationFeed(
            configuration: feedConfiguration, projection: runtime.projection, store: runtime.store, logger: logger, eventsCommitted: eventsCommitted)
    }

    /// Sets the kit rules of the source's Odoo version: configured, or detected from the database.
    ///
    /// Detection failing (database down at start) is not fatal: the feed retries its connection anyway, and the rules
    /// of Odoo 17 (the same as 18's at current patch levels except for two tie-breaks) are used until a restart.
    static func applyOdooVersion(configuration: StockdConfiguration, dsn: String, projection: StockProjection, logger: Logger) {
        var version = configuration.source.odooVersion
        if version == nil {
            do {
                let connection = try PostgresConnection(conninfo: PostgresConnection.addingDefaults(dsn, FeedConfiguration.connectionDefaults))
                let detection = try OdooVersionProbe.detect(connection)
                version = detection.majorVersion
                logger.info(
                    "odoo version detected", metadata: ["odoo.version": "\(detection.majorVersion)", "odoo.version_source": "\(detection.source)"])
            } catch {
                logger.warning("could not detect the Odoo version; kit rules of Odoo 17 apply", metadata: ["error": "\(error)"])
            }
        }
        var settings = projection.snapshot().settings
        let rules = KitRules(odooVersion: version ?? 17)
        guard settings.kitRules != rules else { return }
        settings.kitRules = rules
        projection.updateSettings(settings)
    }
}
