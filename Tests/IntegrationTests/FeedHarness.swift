import Foundation
import LibPQ
import Logging
import OdooReplication
import StockProjection
import StockStorage
import TestSupport

/// A replication feed on a temporary store, following a test database.
final class FeedHarness {
    let directory = TemporaryDirectory()
    let database: TestDatabase
    var store: LMDBProjectionStore
    var projection: StockProjection
    var feed: ReplicationFeed
    let settings: ProjectionSettings
    static let logger: Logger = {
        var logger = Logger(label: "stockd.tests") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        return logger
    }()

    let storePath: String
    /// The feed's configuration (a test may point `dsn` at a proxy or shorten the stall timeout).
    let configuration: FeedConfiguration
    let durability: StoreDurability

    init(
        database: TestDatabase,
        settings: ProjectionSettings = ProjectionSettings(),
        storePath: String? = nil,
        durability: StoreDurability = .full,
        configure: (inout FeedConfiguration) -> Void = { _ in }
    ) throws {
        self.database = database
        self.settings = settings
        self.durability = durability
        self.storePath = storePath ?? directory.path + "/store"
        var configuration = Self.configuration(database)
        configure(&configuration)
        self.configuration = configuration
        let report = try SourceSetup(dsn: database.dsn, publication: "stockd").run()
        guard report.ready else { throw PostgresError(kind: .server, message: "setup not ready: \(report.lines)") }
        store = try LMDBProjectionStore(path: self.storePath, initialMapSize: 64 << 20, durability: durability)
        projection = StockProjection(state: try store.load(settings: settings))
        feed = ReplicationFeed(configuration: configuration, projection: projection, store: store, logger: Self.logger)
    }

    static func configuration(_ database: TestDatabase) -> FeedConfiguration {
        FeedConfiguration(
            dsn: database.dsn, slot: database.slot, statusIntervalMilliseconds: 100, initialBackoffMilliseconds: 50, maxBackoffMilliseconds: 500)
    }

    /// Stops the feed, reopens the store from disk, and starts a new feed from its checkpoint (a restart).
    func restart() throws {
        feed.stop()
        try reopen()
        feed.start()
    }

    /// Reopens the store from disk and makes a new feed on it, not started (the old feed must be stopped).
    func reopen() throws {
        store = try LMDBProjectionStore(path: storePath, initialMapSize: 64 << 20, durability: durability)
        projection = StockProjection(state: try store.load(settings: settings))
        feed = ReplicationFeed(configuration: configuration, projection: projection, store: store, logger: Self.logger)
    }

    /// Waits until `condition` holds, polling every 20 ms; throws after `timeout` seconds.
    func wait(for what: String, timeout: Double = 30, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw PostgresError(kind: .connection, message: "timed out after \(timeout) s waiting for \(what): \(feed.status)")
    }

    /// Waits until the projection has applied everything the server has written so far.
    func waitUntilCaughtUp(timeout: Double = 60) throws {
        let target = try database.currentLSN()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let status = feed.status
            let caughtUp = max(status.appliedLSN ?? 0, status.confirmedLSN ?? 0)
            if caughtUp >= target, status.phase == .streaming { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let slots =
            (try? database.connect().execute("SELECT slot_name, database, active, wal_status, confirmed_flush_lsn::text FROM pg_replication_slots")
                .rows) ?? []
        throw PostgresError(kind: .connection, message: "feed did not catch up with \(target) in \(timeout) s: \(feed.status); slots: \(slots)")
    }
}
