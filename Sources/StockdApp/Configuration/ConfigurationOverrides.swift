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

    /// Creates overrides; every omitted setting is left to the other sources.
    /// - Parameters:
    ///   - store: Overrides `store.path`.
    ///   - dsn: Overrides `source.dsn`.
    ///   - host: Overrides `http.host`.
    ///   - port: Overrides `http.port`.
    ///   - logLevel: Overrides `log.level`.
    public init(
        store: String? = nil,
        dsn: String? = nil,
        host: String? = nil,
        port: Int? = nil,
        logLevel: String? = nil
    ) {
        self.store = store
        self.dsn = dsn
        self.host = host
        self.port = port
        self.logLevel = logLevel
    }

    /// Whether no setting is overridden.
    public var isEmpty: Bool {
        self == ConfigurationOverrides()
    }
}

extension ConfigurationOverrides {
    /// The result of parsing already-split command-line flags.
    struct Parsed: Equatable {
        var overrides = ConfigurationOverrides()
        var configFile: String?
    }

    /// Parses flags such as `["--store", "/srv/stockd", "--port=9000", "--config", "x.yaml"]`.
    ///
    /// Accepts `--store`, `--dsn`, `--host`, `--port`, `--log-level` and `--config`, each as
    /// `--flag value` or `--flag=value`; when a flag repeats, the last one wins. Values are
    /// taken verbatim (no splitting on commas), so DSNs and paths may contain any character.
    /// - Throws: ``ConfigurationError/invalidArgument(_:reason:)`` for an unknown flag, a
    ///   missing value or a stray argument; ``ConfigurationError/invalidValue(key:value:expected:)``
    ///   for a `--port` that is not a number.
    static func parse(arguments: [String]) throws(ConfigurationError) -> Parsed {
        var parsed = Parsed()
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw .invalidArgument(argument, reason: "unexpected argument; expected a flag such as --store DIR")
            }
            let name: String
            let value: String
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            } else {
                name = argument
                guard index < arguments.endIndex else {
                    throw .invalidArgument(argument, reason: "missing value")
                }
                value = arguments[index]
                index += 1
            }
            switch name {
            case "--store":
                parsed.overrides.store = value
            case "--dsn":
                parsed.overrides.dsn = value
            case "--host":
                parsed.overrides.host = value
            case "--port":
                guard let port = Int(value) else {
                    throw .invalidValue(key: ConfigurationKey.httpPort.rawValue, value: value, expected: ConfigurationValidation.Expected.port)
                }
                parsed.overrides.port = port
            case "--log-level":
                parsed.overrides.logLevel = value
            case "--config":
                parsed.configFile = value
            default:
                throw .invalidArgument(
                    name,
                    reason: "unknown flag; expected --store, --dsn, --host, --port, --log-level or --config"
                )
            }
        }
        return parsed
    }

    /// The overridden settings, keyed by configuration key, as text.
    var values: [ConfigurationKey: String] {
        var values: [ConfigurationKey: String] = [:]
        values[.storePath] = store
        values[.sourceDSN] = dsn
        values[.httpHost] = host
        values[.httpPort] = port.map(String.init)
        values[.logLevel] = logLevel
        return values
    }
}
