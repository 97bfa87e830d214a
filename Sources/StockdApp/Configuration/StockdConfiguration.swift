public import Logging

/// The complete, validated configuration of stockd.
///
/// Every setting has a dotted key (for example `http.port`), which is also its path in the
/// YAML configuration file and, upper-cased with dots turned into underscores and prefixed
/// with `STOCKD_`, its environment variable (`STOCKD_HTTP_PORT`). See `docs/configuration.md`.
///
/// `StockdConfiguration()` is the configuration with every default; use
/// ``load(overrides:environment:configFile:)`` to build one from the command line (the `stockd`
/// executable's swift-argument-parser options), the environment and a configuration file.
///
/// Decimal quantities (safety stock) are kept as validated decimal text, never as floating
/// point; the domain turns them into exact fixed-point values.
public struct StockdConfiguration: Sendable, Equatable {
    /// The `store.*` settings: where and how the projection is stored.
    public var store: Store
    /// The `source.*` settings: how stockd reads Odoo's PostgreSQL database.
    public var source: Source
    /// The `http.*` settings: where the HTTP API listens.
    public var http: HTTP
    /// The `log.*` settings.
    public var log: Log
    /// The `quarantine.*` settings: which locations hold stock that is not available.
    public var quarantine: Quarantine
    /// The `safety_stock.*` settings: quantities held back from availability.
    public var safetyStock: SafetyStock
    /// The `readiness.*` settings: when the service reports itself ready.
    public var readiness: Readiness
    /// The `instance.*` settings: which of several stockd instances this is.
    public var instance = Instance()
    /// The `events.*` settings: stock event rules and the outbox (see `StockdConfiguration+Events.swift`).
    public var events = Events()

    /// Creates a configuration; every group defaults to its defaults.
    /// - Parameters:
    ///   - store: The `store.*` settings.
    ///   - source: The `source.*` settings.
    ///   - http: The `http.*` settings.
    ///   - log: The `log.*` settings.
    ///   - quarantine: The `quarantine.*` settings.
    ///   - safetyStock: The `safety_stock.*` settings.
    ///   - readiness: The `readiness.*` settings.
    public init(
        store: Store = Store(),
        source: Source = Source(),
        http: HTTP = HTTP(),
        log: Log = Log(),
        quarantine: Quarantine = Quarantine(),
        safetyStock: SafetyStock = SafetyStock(),
        readiness: Readiness = Readiness()
    ) {
        self.store = store
        self.source = source
        self.http = http
        self.log = log
        self.quarantine = quarantine
        self.safetyStock = safetyStock
        self.readiness = readiness
    }
}

extension StockdConfiguration {
    /// The `store.*` settings: the LMDB environment holding the projection.
    public struct Store: Sendable, Equatable {
        /// `store.path`: the LMDB store directory. Default `./stockd-store`.
        public var path: String
        /// `store.map_size_mb`: the initial LMDB map size in MiB; the map grows on demand.
        /// Default 1024.
        public var mapSizeMB: Int
        /// `store.durability`: how hard commits are flushed to disk. Default ``Durability/full``.
        public var durability: Durability
        /// `store.sync_interval_ms`: with a durability other than `full`, the longest time commits stay unsynced
        /// (the store is synced at least this often, and only synced positions are confirmed to PostgreSQL).
        /// Default 1000.
        public var syncIntervalMilliseconds = 1_000

        /// Creates the store settings.
        /// - Parameters:
        ///   - path: The LMDB store directory.
        ///   - mapSizeMB: The initial LMDB map size in MiB.
        ///   - durability: How hard commits are flushed to disk.
        public init(path: String = "./stockd-store", mapSizeMB: Int = 1024, durability: Durability = .full) {
            self.path = path
            self.mapSizeMB = mapSizeMB
            self.durability = durability
        }
    }

    /// The values of `store.durability`, from safest to fastest.
    public enum Durability: String, Sendable, Equatable, CaseIterable {
        /// `full`: every commit is synced to disk (data and meta pages).
        case full
        /// `no_meta_sync`: data is synced but the meta page is not; a crash may lose the last
        /// commit but never corrupts the store (LMDB `MDB_NOMETASYNC`).
        case noMetaSync = "no_meta_sync"
        /// `no_sync`: nothing is synced; the operating system decides when data reaches disk, so
        /// a system crash may lose recent commits (LMDB `MDB_NOSYNC`). The projection can always
        /// be rebuilt from Odoo.
        case noSync = "no_sync"
    }

    /// The `source.*` settings: logical replication from Odoo's PostgreSQL database.
    public struct Source: Sendable, Equatable {
        /// `source.dsn`: the libpq connection string of Odoo's database, or `nil` when not
        /// configured. May contain a password; never log it. Default `nil`.
        public var dsn: String?
        /// `source.slot`: the logical replication slot name. Default `stockd`.
        public var slot: String
        /// `source.publication`: the PostgreSQL publication name. Default `stockd`.
        public var publication: String
        /// `source.odoo_version`: the Odoo major version (16, 17 or 18) whose kit arithmetic to reproduce, or `nil`
        /// to detect it from the database (`ir_module_module`, else the schema). Default `nil` (`auto`).
        public var odooVersion: Int?
        /// `source.stall_timeout_ms`: silence from the server longer than this while streaming drops the connection
        /// and reconnects (the feed asks for a reply every second). Default 10000.
        public var stallTimeoutMilliseconds = 10_000
        /// `source.auto_resync`: whether a lost replication slot starts a resync by itself, serving the old figures
        /// meanwhile. A store found behind its slot is always resynced. Default `true`.
        public var autoResync = true

        /// Creates the source settings.
        /// - Parameters:
        ///   - dsn: The libpq connection string, or `nil`.
        ///   - slot: The logical replication slot name.
        ///   - publication: The publication name.
        public init(dsn: String? = nil, slot: String = "stockd", publication: String = "stockd", odooVersion: Int? = nil) {
            self.odooVersion = odooVersion
            self.dsn = dsn
            self.slot = slot
            self.publication = publication
        }
    }

    /// The `http.*` settings: the listening address of the HTTP API, the limits on what one request may ask,
    /// and the connection limit and timeouts.
    public struct HTTP: Sendable, Equatable {
        /// The default of ``maxBodyBytes``: 1 MiB.
        public static let defaultMaxBodyBytes = 1 << 20
        /// The default of ``maxIdentifiers``.
        public static let defaultMaxIdentifiers = 1_000
        /// The default of ``defaultPageSize``.
        public static let defaultDefaultPageSize = 500
        /// The default of ``maxPageSize``.
        public static let defaultMaxPageSize = 5_000
        /// The default of ``maxConnections``.
        public static let defaultMaxConnections = 512
        /// The default of ``idleTimeoutSeconds``.
        public static let defaultIdleTimeoutSeconds = 30
        /// The default of ``requestTimeoutSeconds``.
        public static let defaultRequestTimeoutSeconds = 15
        /// The default of ``writeTimeoutSeconds``.
        public static let defaultWriteTimeoutSeconds = 30

        /// `http.host`: the address to bind. Default `127.0.0.1`.
        public var host: String
        /// `http.port`: the TCP port to bind, 0...65535 (0 picks a free port). Default 8080.
        public var port: Int
        /// `http.max_body_bytes`: the largest request body accepted, in bytes; larger bodies get 413.
        /// Default 1,048,576 (1 MiB).
        public var maxBodyBytes: Int
        /// `http.max_identifiers`: the most product identifiers in one availability request, and separately the
        /// most warehouse and location filters; more get 422. Default 1,000.
        public var maxIdentifiers: Int
        /// `http.default_page_size`: the page size of paginated routes when a request gives no `limit`; at most
        /// ``maxPageSize``. Default 500.
        public var defaultPageSize: Int
        /// `http.max_page_size`: the largest `limit` a paginated request may give; larger ones get 400.
        /// Default 5,000.
        public var maxPageSize: Int
        /// `http.max_connections`: the most connections served at once; more wait in the listen queue.
        /// Default 512.
        public var maxConnections: Int
        /// `http.idle_timeout_seconds`: a connection that completes no request part for this long (a half-sent
        /// head, a stalled body, an unused kept-alive connection) is closed. Default 30.
        public var idleTimeoutSeconds: Int
        /// `http.request_timeout_seconds`: a request whose response has not started this long after its head
        /// arrived gets 503 and its connection is closed. Default 15.
        public var requestTimeoutSeconds: Int
        /// `http.write_timeout_seconds`: a connection whose client takes no more output for this long is closed,
        /// ending a stalled stream. Default 30.
        public var writeTimeoutSeconds: Int
        /// `http.min_lsn_max_wait_ms`: how long a read carrying `min_lsn` may wait for this instance to reach that
        /// position before it is answered 503 (`lsn-not-reached`). Default 2000.
        public var minLSNMaxWaitMilliseconds = 2_000
        /// `http.events_stream_buffer`: the most live events one `GET /v1/events` client may have waiting; a
        /// client that falls further behind is dropped with a final `dropped` event. Default 1024.
        public var eventsStreamBuffer = 1_024
        /// `http.events_stream_max_clients`: the most event streams open at once; more get 503. Default 256.
        public var eventsStreamMaxClients = 256
        /// `http.events_stream_keepalive_seconds`: how often an idle event stream gets a keep-alive comment.
        /// Default 15.
        public var eventsStreamKeepAliveSeconds = 15
        /// `http.events_stream_max_duration_ms`: how long one event stream may last before the server ends it
        /// (the client reconnects with `Last-Event-ID`, possibly to another instance); 0 = no limit. Default 0.
        public var eventsStreamMaxDurationMilliseconds = 0

        /// Creates the HTTP settings.
        /// - Parameters:
        ///   - host: The address to bind.
        ///   - port: The TCP port to bind.
        ///   - maxBodyBytes: The largest request body, in bytes.
        ///   - maxIdentifiers: The most identifiers (and, separately, scope filters) per request.
        ///   - defaultPageSize: The page size without `limit`.
        ///   - maxPageSize: The largest `limit`.
        ///   - maxConnections: The most connections served at once.
        ///   - idleTimeoutSeconds: The idle (and request-head) timeout.
        ///   - requestTimeoutSeconds: The request deadline.
        ///   - writeTimeoutSeconds: The write deadline.
        public init(
            host: String = "127.0.0.1",
            port: Int = 8080,
            maxBodyBytes: Int = HTTP.defaultMaxBodyBytes,
            maxIdentifiers: Int = HTTP.defaultMaxIdentifiers,
            defaultPageSize: Int = HTTP.defaultDefaultPageSize,
            maxPageSize: Int = HTTP.defaultMaxPageSize,
            maxConnections: Int = HTTP.defaultMaxConnections,
            idleTimeoutSeconds: Int = HTTP.defaultIdleTimeoutSeconds,
            requestTimeoutSeconds: Int = HTTP.defaultRequestTimeoutSeconds,
            writeTimeoutSeconds: Int = HTTP.defaultWriteTimeoutSeconds
        ) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.maxIdentifiers = maxIdentifiers
            self.defaultPageSize = defaultPageSize
            self.maxPageSize = maxPageSize
            self.maxConnections = maxConnections
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.requestTimeoutSeconds = requestTimeoutSeconds
            self.writeTimeoutSeconds = writeTimeoutSeconds
        }
    }

    /// The `log.*` settings.
    public struct Log: Sendable, Equatable {
        /// `log.level`: the minimum level logged (trace, debug, info, notice, warning, error,
        /// critical). Default `info`.
        public var level: Logger.Level

        /// Creates the log settings.
        /// - Parameter level: The minimum level logged.
        public init(level: Logger.Level = .info) {
            self.level = level
        }
    }

    /// The `quarantine.*` settings: stock in these locations is on hand but not available.
    public struct Quarantine: Sendable, Equatable {
        /// The default of ``namePatterns``.
        public static let defaultNamePatterns = ["*/Quality Control", "*/Damaged", "*/Quarantine"]

        /// `quarantine.location_ids`: Odoo `stock.location` ids treated as quarantine.
        /// Default empty.
        public var locationIDs: [Int]
        /// `quarantine.name_patterns`: glob patterns (`*` matches any text) matched against a
        /// location's complete name, such as `WH/Stock/Damaged`. Default
        /// ``defaultNamePatterns``.
        public var namePatterns: [String]
        /// `quarantine.warehouse_qc_locations`: treat each warehouse's quality-control location
        /// as quarantine. Default `false`.
        public var warehouseQCLocations: Bool

        /// Creates the quarantine settings.
        /// - Parameters:
        ///   - locationIDs: Location ids treated as quarantine.
        ///   - namePatterns: Location name patterns treated as quarantine.
        ///   - warehouseQCLocations: Whether each warehouse's QC location is quarantine.
        public init(
            locationIDs: [Int] = [],
            namePatterns: [String] = Quarantine.defaultNamePatterns,
            warehouseQCLocations: Bool = false
        ) {
            self.locationIDs = locationIDs
            self.namePatterns = namePatterns
            self.warehouseQCLocations = warehouseQCLocations
        }
    }

    /// The `safety_stock.*` settings: quantities subtracted from what is reported available.
    ///
    /// Quantities are non-negative decimal text matching `^[0-9]+(\.[0-9]+)?$`, exactly as
    /// written (`"2.50"` stays `"2.50"`); they are never converted to floating point here.
    /// How the default, warehouse and SKU entries combine is decided by the domain module
    /// that applies safety stock; this type only carries the validated settings.
    public struct SafetyStock: Sendable, Equatable {
        /// `safety_stock.default`: the safety stock of every product in every warehouse that
        /// has no more specific setting. Default `"0"`.
        public var defaultQuantity: String
        /// `safety_stock.warehouses`: safety stock per warehouse code. Written as a list of
        /// `CODE=qty` entries, for example `["WH=2", "EU=0"]`. Default empty.
        public var warehouses: [String: String]
        /// `safety_stock.skus`: safety stock per product SKU (Odoo internal reference).
        /// Written as a list of `SKU=qty` entries. Default empty.
        public var skus: [String: String]

        /// Creates the safety stock settings. The quantities are not validated here;
        /// ``StockdConfiguration/load(overrides:environment:configFile:)`` validates what it reads.
        /// - Parameters:
        ///   - defaultQuantity: The default safety stock, as decimal text.
        ///   - warehouses: Safety stock per warehouse code, as decimal text.
        ///   - skus: Safety stock per SKU, as decimal text.
        public init(defaultQuantity: String = "0", warehouses: [String: String] = [:], skus: [String: String] = [:]) {
            self.defaultQuantity = defaultQuantity
            self.warehouses = warehouses
            self.skus = skus
        }
    }

    /// The `readiness.*` settings.
    public struct Readiness: Sendable, Equatable {
        /// `readiness.max_lag_seconds`: the readiness probe fails while the projection lags the
        /// source by more than this many seconds. Default 30.
        public var maxLagSeconds: Int
        /// `readiness.max_unexpected_rows`: the readiness probe fails once more source rows than this could not be
        /// applied as given since start (unparsable rows, deletes of unknown rows: each logged, counted and
        /// skipped, so the figures they touch may be wrong). Default 100.
        public var maxUnexpectedRows = 100

        /// Creates the readiness settings.
        /// - Parameter maxLagSeconds: The largest acceptable replication lag in seconds.
        public init(maxLagSeconds: Int = 30) {
            self.maxLagSeconds = maxLagSeconds
        }
    }
}

extension StockdConfiguration {
    /// The `instance.*` settings: the identity of one of several stockd instances following the same database,
    /// each through its own replication slot.
    public struct Instance: Sendable, Equatable {
        /// `instance.name`: the instance's name, or `nil` for a single unnamed instance. It names the default
        /// slot (`stockd_<name>`), the `Stockd-Instance` response header, `instance` in `/v1/status` and the
        /// `stockd_instance_info` gauge. Default `nil`.
        public var name: String?

        /// Creates the instance settings.
        /// - Parameter name: The instance's name, or `nil`.
        public init(name: String? = nil) {
            self.name = name
        }

        /// The slot an instance uses unless `source.slot` is set: `stockd_<name>`, or `stockd` with no name.
        public static func slotName(for name: String?) -> String {
            name.map { "stockd_" + $0 } ?? "stockd"
        }
    }
}

extension StockdConfiguration.Source: CustomStringConvertible {
    /// The settings with the DSN redacted (it may hold a password), so a configuration can be
    /// logged safely.
    public var description: String {
        "Source(dsn: \(dsn == nil ? "nil" : "<redacted>"), slot: \(slot), publication: \(publication))"
    }
}
