import Foundation
public import Logging
public import StockEvents
public import StockProjection
public import StockStorage

/// An opened store and the projection loaded from it: what every command that reads or writes stock starts from.
public struct ProjectionRuntime: Sendable {
    /// The durable store.
    public let store: LMDBProjectionStore
    /// The live projection, restored to the store's checkpoint.
    public let projection: StockProjection
    /// How long loading the store took, in seconds.
    public let loadSeconds: Double
    /// The rules evaluator: installed on the projection while there are rules (from `events.rules_file` or the
    /// admin API); the admin API swaps its rules.
    public let events: EventEvaluator?

    /// Opens the store named by the configuration and loads the projection from it.
    ///
    /// - Parameters:
    ///   - configuration: Where the store is and how figures are computed.
    ///   - logger: Where to log the load.
    /// - Throws: ``StoreError`` when the store cannot be opened or read, ``ConfigurationError`` for bad settings.
    public init(configuration: StockdConfiguration, logger: Logger) throws {
        let settings = try configuration.projectionSettings()
        let started = ContinuousClock.now
        Self.finishInterruptedResync(at: configuration.store.path, logger: logger)
        store = try LMDBProjectionStore(
            path: configuration.store.path,
            initialMapSize: max(1, configuration.store.mapSizeMB) << 20,
            durability: configuration.storeDurability,
            outboxRetention: configuration.outboxRetention
        )
        projection = StockProjection(state: try store.load(settings: settings))
        events = try configuration.eventEvaluator(store: store)
        if let events, !events.index.isEmpty { projection.setTransactionObserver(events) }
        let elapsed = ContinuousClock.now - started
        loadSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let snapshot = projection.snapshot()
        logger.debug(
            "store loaded",
            metadata: [
                "store.path": "\(configuration.store.path)",
                "store.checkpoint": "\(snapshot.checkpoint?.description ?? "none")",
                "store.quants": "\(snapshot.counts.quants)",
                "store.load_ms": "\(Int(loadSeconds * 1000))",
                "events.rules": "\(events?.index.rules.count ?? 0)",
            ]
        )
    }
}

extension ProjectionRuntime {
    /// A resync swaps `<store>` for `<store>.resync` by two renames; if the process died between them, finish the swap.
    static func finishInterruptedResync(at path: String, logger: Logger) {
        do {
            if try LMDBProjectionStore.finishInterruptedPromotion(at: path) {
                logger.notice("finished an interrupted resync", metadata: ["store.path": "\(path)"])
            }
        } catch {
            logger.error("could not finish an interrupted resync", metadata: ["error": "\(error)"])
        }
    }
}
