import Configuration

/// The catalogue of configuration settings: each case's raw value is the dotted key.
///
/// The environment variable of a key is `STOCKD_` followed by the key upper-cased with dots
/// replaced by underscores; swift-configuration's `EnvironmentVariablesProvider` derives that
/// name once the key is prefixed with `stockd` (see `StockdConfiguration.environmentProvider`).
enum ConfigurationKey: String, CaseIterable, Sendable {
    case storePath = "store.path"
    case storeMapSizeMB = "store.map_size_mb"
    case storeDurability = "store.durability"
    case storeSyncIntervalMS = "store.sync_interval_ms"
    case sourceDSN = "source.dsn"
    case sourceSlot = "source.slot"
    case sourcePublication = "source.publication"
    case sourceOdooVersion = "source.odoo_version"
    case sourceStallTimeoutMS = "source.stall_timeout_ms"
    case sourceAutoResync = "source.auto_resync"
    case httpHost = "http.host"
    case httpPort = "http.port"
    case httpMaxBodyBytes = "http.max_body_bytes"
    case httpMaxIdentifiers = "http.max_identifiers"
    case httpDefaultPageSize = "http.default_page_size"
    case httpMaxPageSize = "http.max_page_size"
    case httpMaxConnections = "http.max_connections"
    case httpIdleTimeoutSeconds = "http.idle_timeout_seconds"
    case httpRequestTimeoutSeconds = "http.request_timeout_seconds"
    case httpWriteTimeoutSeconds = "http.write_timeout_seconds"
    case logLevel = "log.level"
    case quarantineLocationIDs = "quarantine.location_ids"
    case quarantineNamePatterns = "quarantine.name_patterns"
    case quarantineWarehouseQCLocations = "quarantine.warehouse_qc_locations"
    case safetyStockDefault = "safety_stock.default"
    case safetyStockWarehouses = "safety_stock.warehouses"
    case safetyStockSKUs = "safety_stock.skus"
    case readinessMaxLagSeconds = "readiness.max_lag_seconds"
    case readinessMaxUnexpectedRows = "readiness.max_unexpected_rows"
    case instanceName = "instance.name"
    case httpMinLSNMaxWaitMS = "http.min_lsn_max_wait_ms"
    case eventsRulesFile = "events.rules_file"
    case eventsOutboxMaxCount = "events.outbox_max_count"
    case eventsOutboxMaxAgeSeconds = "events.outbox_max_age_seconds"
    case httpEventsStreamBuffer = "http.events_stream_buffer"
    case httpEventsStreamMaxClients = "http.events_stream_max_clients"
    case httpEventsStreamKeepAliveSeconds = "http.events_stream_keepalive_seconds"
    case httpEventsStreamMaxDurationMS = "http.events_stream_max_duration_ms"

    /// The key's path components, as swift-configuration addresses it.
    var components: [String] {
        rawValue.split(separator: ".").map(String.init)
    }

    /// The key as a swift-configuration relative key.
    var configKey: ConfigKey {
        ConfigKey(components)
    }

    /// The key as a swift-configuration absolute key.
    var absoluteKey: AbsoluteConfigKey {
        AbsoluteConfigKey(components)
    }

    /// The environment variable that sets this key, for example `STOCKD_HTTP_PORT`.
    var environmentVariable: String {
        "STOCKD_" + components.map { $0.uppercased() }.joined(separator: "_")
    }

    /// The command-line flag that sets this key, if it has one.
    var flag: String? {
        switch self {
        case .storePath: return "--store"
        case .sourceDSN: return "--dsn"
        case .httpHost: return "--host"
        case .httpPort: return "--port"
        case .logLevel: return "--log-level"
        case .httpMaxBodyBytes: return "--max-body-bytes"
        case .httpMaxIdentifiers: return "--max-identifiers"
        case .httpDefaultPageSize: return "--default-page-size"
        case .httpMaxPageSize: return "--max-page-size"
        case .httpMaxConnections: return "--max-connections"
        case .httpIdleTimeoutSeconds: return "--idle-timeout"
        case .httpRequestTimeoutSeconds: return "--request-timeout"
        case .httpWriteTimeoutSeconds: return "--write-timeout"
        case .instanceName: return "--instance"
        default: return nil
        }
    }

    /// Whether the value may hold a secret (a password in the DSN) and must not be echoed.
    var isSecret: Bool {
        self == .sourceDSN
    }

    /// The first component of every key: the sections of the configuration file.
    static var sections: Set<String> {
        Set(allCases.map { $0.components[0] })
    }
}
