/// The settings that can be given on the command line; they override the environment, the
/// configuration file and the defaults.
///
/// The CLI (swift-argument-parser) fills this from its options and passes it to
/// ``StockdConfiguration/load(overrides:environment:configFile:)``. A `nil` field means "not
/// given on the command line". Values are validated by the loader, like values from any other
/// source, so a bad `--port` or `--log-level` yields the same ``ConfigurationError``.
public struct ConfigurationOverrides: Sendable, Equatable {
    /// `--store DIR`: overrides `store.path`.
    public var store: String?
    /// `--dsn DSN`: overrides `source.dsn`.
    public var dsn: String?
    /// `--host HOST`: overrides `http.host`.
    public var host: String?
    /// `--port PORT`: overrides `http.port`.
    public var port: Int?
    /// `--log-level LEVEL`: overrides `log.level`; the loader checks it is a level name.
    public var logLevel: String?
    /// `--max-body-bytes N`: overrides `http.max_body_bytes`.
    public var maxBodyBytes: Int?
    /// `--max-identifiers N`: overrides `http.max_identifiers`.
    public var maxIdentifiers: Int?
    /// `--default-page-size N`: overrides `http.default_page_size`.
    public var defaultPageSize: Int?
    /// `--max-page-size N`: overrides `http.max_page_size`.
    public var maxPageSize: Int?
    /// `--max-connections N`: overrides `http.max_connections`.
    public var maxConnections: Int?
    /// `--idle-timeout SECONDS`: overrides `http.idle_timeout_seconds`.
    public var idleTimeoutSeconds: Int?
    /// `--request-timeout SECONDS`: overrides `http.request_timeout_seconds`.
    public var requestTimeoutSeconds: Int?
    /// `--write-timeout SECONDS`: overrides `http.write_timeout_seconds`.
    public var writeTimeoutSeconds: Int?
    /// `--instance NAME`: overrides `instance.name` (and so the default slot name).
    public var instanceName: String?

    /// Creates overrides; every omitted setting is left to the other sources.
    /// - Parameters:
    ///   - store: Overrides `store.path`.
    ///   - dsn: Overrides `source.dsn`.
    ///   - host: Overrides `http.host`.
    ///   - port: Overrides `http.port`.
    ///   - logLevel: Overrides `log.level`.
    ///   - maxBodyBytes: Overrides `http.max_body_bytes`.
    ///   - maxIdentifiers: Overrides `http.max_identifiers`.
    ///   - defaultPageSize: Overrides `http.default_page_size`.
    ///   - maxPageSize: Overrides `http.max_page_size`.
    ///   - maxConnections: Overrides `http.max_connections`.
    ///   - idleTimeoutSeconds: Overrides `http.idle_timeout_seconds`.
    ///   - requestTimeoutSeconds: Overrides `http.request_timeout_seconds`.
    ///   - writeTimeoutSeconds: Overrides `http.write_timeout_seconds`.
    public init(
        store: String? = nil,
        dsn: String? = nil,
        host: String? = nil,
        port: Int? = nil,
        logLevel: String? = nil,
        maxBodyBytes: Int? = nil,
        maxIdentifiers: Int? = nil,
        defaultPageSize: Int? = nil,
        maxPageSize: Int? = nil,
        maxConnections: Int? = nil,
        idleTimeoutSeconds: Int? = nil,
        requestTimeoutSeconds: Int? = nil,
        writeTimeoutSeconds: Int? = nil
    ) {
        self.store = store
        self.dsn = dsn
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.maxBodyBytes = maxBodyBytes
        self.maxIdentifiers = maxIdentifiers
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.maxConnections = maxConnections
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.writeTimeoutSeconds = writeTimeoutSeconds
    }

    /// Whether no setting is overridden.
    public var isEmpty: Bool {
        self == ConfigurationOverrides()
    }
}

extension ConfigurationOverrides {
    /// The overridden settings, keyed by configuration key, as text.
    var values: [ConfigurationKey: String] {
        var values: [ConfigurationKey: String] = [:]
        values[.storePath] = store
        values[.sourceDSN] = dsn
        values[.httpHost] = host
        values[.httpPort] = port.map(String.init)
        values[.logLevel] = logLevel
        values[.httpMaxBodyBytes] = maxBodyBytes.map(String.init)
        values[.httpMaxIdentifiers] = maxIdentifiers.map(String.init)
        values[.httpDefaultPageSize] = defaultPageSize.map(String.init)
        values[.httpMaxPageSize] = maxPageSize.map(String.init)
        values[.httpMaxConnections] = maxConnections.map(String.init)
        values[.httpIdleTimeoutSeconds] = idleTimeoutSeconds.map(String.init)
        values[.httpRequestTimeoutSeconds] = requestTimeoutSeconds.map(String.init)
        values[.httpWriteTimeoutSeconds] = writeTimeoutSeconds.map(String.init)
        values[.instanceName] = instanceName
        return values
    }
}
