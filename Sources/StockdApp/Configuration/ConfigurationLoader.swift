import Configuration
import Logging
import Synchronization

extension StockdConfiguration {
    /// Loads the configuration from command-line overrides already parsed by the CLI, the
    /// environment and an optional YAML configuration file.
    ///
    /// Precedence, highest first: `overrides`, `STOCKD_*` environment variables, the
    /// configuration file, the defaults. Each setting is decided on its own.
    ///
    /// - Parameters:
    ///   - overrides: The settings given on the command line.
    ///   - environment: The process environment; only `STOCKD_*` variables are read.
    ///   - configFile: The path of the YAML configuration file, or `nil` for no file.
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigurationError`` for an unreadable file, an unknown key in the file, or
    ///   an invalid value from any source.
    public static func load(
        overrides: ConfigurationOverrides = ConfigurationOverrides(),
        environment: [String: String],
        configFile: String?
    ) async throws -> StockdConfiguration {
        var providers: [any ConfigProvider] = [
            overridesProvider(overrides),
            environmentProvider(environment),
        ]
        if let configFile {
            providers.append(try await fileProvider(path: configFile))
        }
        let reader = SettingsReader(reader: ConfigReader(providers: providers))
        return try await read(from: reader)
    }
}

// MARK: - Providers

extension StockdConfiguration {
    /// The command-line overrides as an in-memory provider keyed by the dotted keys.
    static func overridesProvider(_ overrides: ConfigurationOverrides) -> InMemoryProvider {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, text) in overrides.values {
            values[key.absoluteKey] = ConfigValue(.string(text), isSecret: key.isSecret)
        }
        return InMemoryProvider(name: "command line", values: values)
    }

    /// The `STOCKD_*` environment variables.
    ///
    /// `EnvironmentVariablesProvider` turns the key `store.map_size_mb` into
    /// `STORE_MAP_SIZE_MB` (components upper-cased, joined and non-alphanumerics replaced by
    /// `_`); prefixing every key with `stockd` makes that `STOCKD_STORE_MAP_SIZE_MB`. Lists are
    /// comma-separated.
    static func environmentProvider(_ environment: [String: String]) -> KeyMappingProvider<EnvironmentVariablesProvider> {
        let stockdVariables = environment.filter { $0.key.hasPrefix("STOCKD_") }
        let provider = EnvironmentVariablesProvider(
            environmentVariables: stockdVariables,
            secretsSpecifier: .specific([ConfigurationKey.sourceDSN.environmentVariable])
        )
        return KeyMappingProvider(upstream: provider) { key in
            key.prepending(["stockd"])
        }
    }

    /// The YAML configuration file at `path`, after checking that it holds only known keys.
    ///
    /// swift-configuration offers no way to list a file's keys, but the YAML parser asks the
    /// secrets specifier about every leaf key as it reads the file; a dynamic specifier records
    /// them (and marks `source.dsn` secret).
    static func fileProvider(path: String) async throws(ConfigurationError) -> FileProvider<YAMLSnapshot> {
        let recorder = KeyRecorder()
        let options = YAMLSnapshot.ParsingOptions(
            secretsSpecifier: .dynamic { key, _ in
                recorder.record(key)
                return key == ConfigurationKey.sourceDSN.rawValue
            }
        )
        // This initialiser takes the path from a reader, so no SystemPackage.FilePath is needed.
        let pathReader = ConfigReader(
            provider: InMemoryProvider(values: ["filePath": ConfigValue(.string(path), isSecret: false)])
        )
        let provider: FileProvider<YAMLSnapshot>
        do {
            provider = try await FileProvider<YAMLSnapshot>(parsingOptions: options, config: pathReader)
        } catch {
            throw .unreadableFile(path: path, reason: "\(error)")
        }

        let known = Set(ConfigurationKey.allCases.map(\.rawValue))
        let unknown = Set(recorder.keys).subtracting(known).filter { key in
            // A section left with no keys (`quarantine:` and nothing under it) is harmless.
            guard ConfigurationKey.sections.contains(key) else {
                return true
            }
            let content = try? provider.value(forKey: AbsoluteConfigKey([key]), type: .string).value?.content
            guard case .string(let text)? = content else {
                return true
            }
            return !isNull(text)
        }
        guard unknown.isEmpty else {
            throw .unknownKeys(unknown.sorted(), file: path)
        }
        return provider
    }

    /// Whether `text` is a YAML null (`~`, `null`, or nothing) or empty.
    static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(ConfigurationValidation.trim(text))
    }
}

/// Records the keys the YAML parser reports, from a `@Sendable` secrets-specifier closure.
private final class KeyRecorder: Sendable {
    private let storage = Mutex<[String]>([])

    func record(_ key: String) {
        storage.withLock { $0.append(key) }
    }

    var keys: [String] {
        storage.withLock { $0 }
    }
}

// MARK: - Reading and validating

/// Reads settings as text through a `ConfigReader`; conversion and validation are ours, so that
/// every source gets the same error messages.
struct SettingsReader {
    let reader: ConfigReader

    /// The setting as text, or `nil` when no source sets it.
    func text(_ key: ConfigurationKey) async throws(ConfigurationError) -> String? {
        do {
            return try await reader.fetchString(forKey: key.configKey, isSecret: key.isSecret)
        } catch {
            // Providers only fail here when the file holds a list or map for a single value.
            throw .invalidValue(
                key: key.rawValue,
                value: ConfigurationValidation.Expected.list,
                expected: ConfigurationValidation.Expected.single
            )
        }
    }

    /// The setting as a list of trimmed, non-empty items, or `nil` when no source sets it.
    ///
    /// A single value is accepted as a comma-separated list, as environment variables are
    /// read, so `name_patterns:` with no value in the file means an empty list.
    func list(_ key: ConfigurationKey) async throws(ConfigurationError) -> [String]? {
        let items: [String]?
        do {
            items = try await reader.fetchStringArray(forKey: key.configKey, isSecret: key.isSecret)
        } catch {
            do {
                items = try await reader.fetchString(forKey: key.configKey, isSecret: key.isSecret)?
                    .split(separator: ",", omittingEmptySubsequences: false)
                    .map(String.init)
            } catch {
                throw .invalidValue(key: key.rawValue, value: "this value", expected: ConfigurationValidation.Expected.list)
            }
        }
        return items?.map { ConfigurationValidation.trim($0) }.filter { !$0.isEmpty }
    }
}

extension StockdConfiguration {
    /// Reads every setting, applying defaults to those no source sets, and validates them.
    static func read(from settings: SettingsReader) async throws(ConfigurationError) -> StockdConfiguration {
        typealias Check = ConfigurationValidation
        typealias Expected = ConfigurationValidation.Expected
        var configuration = StockdConfiguration()

        // store
        if let text = try await settings.text(.storePath) {
            configuration.store.path = try nonEmpty(text, .storePath)
        }
        if let text = try await settings.text(.storeMapSizeMB) {
            configuration.store.mapSizeMB = try Check.int(
                text,
                key: .storeMapSizeMB,
                in: 1...(Int.max >> 20),
                expected: Expected.mapSize
            )
        }
        if let text = try await settings.text(.storeDurability) {
            guard let durability = Durability(rawValue: Check.trim(text).lowercased()) else {
                throw invalid(.storeDurability, text, Expected.durability)
            }
            configuration.store.durability = durability
        }
        if let text = try await settings.text(.storeSyncIntervalMS) {
            configuration.store.syncIntervalMilliseconds = try Check.int(
                text, key: .storeSyncIntervalMS, in: 1...3_600_000, expected: Expected.milliseconds)
        }

        // source
        if let text = try await settings.text(.sourceDSN) {
            configuration.source.dsn = isNull(text) ? nil : text
        }
        // instance: its name gives the slot's default name, so two instances never share a slot.
        if let text = try await settings.text(.instanceName), !isNull(text) {
            let name = try Check.instanceName(Check.trim(text), key: .instanceName)
            configuration.instance.name = name
            configuration.source.slot = StockdConfiguration.Instance.slotName(for: name)
        }
        // An empty `source.slot` means the derived name (`stockd_<instance.name>`, or `stockd`).
        if let text = try await settings.text(.sourceSlot), !isNull(text) {
            configuration.source.slot = try Check.slot(Check.trim(text), key: .sourceSlot)
        }
        if let text = try await settings.text(.sourcePublication) {
            let name = Check.trim(text)
            guard (1...63).contains(name.utf8.count) else {
                throw invalid(.sourcePublication, text, Expected.publication)
            }
            configuration.source.publication = name
        }
        if let text = try await settings.text(.sourceOdooVersion) {
            switch Check.trim(text).lowercased() {
            case "auto", "": configuration.source.odooVersion = nil
            case "16", "17", "18": configuration.source.odooVersion = Int(Check.trim(text))
            default: throw invalid(.sourceOdooVersion, text, Expected.odooVersion)
            }
        }

        if let text = try await settings.text(.sourceStallTimeoutMS) {
            configuration.source.stallTimeoutMilliseconds = try Check.int(
                text,
                key: .sourceStallTimeoutMS,
                in: 2_000...3_600_000,
                expected: Expected.stallTimeout
            )
        }
        if let text = try await settings.text(.sourceAutoResync) {
            configuration.source.autoResync = try Check.bool(text, key: .sourceAutoResync)
        }

        // http
        if let text = try await settings.text(.httpHost) {
            configuration.http.host = try nonEmpty(text, .httpHost)
        }
        if let text = try await settings.text(.httpPort) {
            configuration.http.port = try Check.int(text, key: .httpPort, in: 0...65535, expected: Expected.port)
        }
        if let text = try await settings.text(.httpMaxBodyBytes) {
            configuration.http.maxBodyBytes = try Check.int(
                text,
                key: .httpMaxBodyBytes,
                in: 1...Check.maxBodyBytes,
                expected: Expected.bodyBytes
            )
        }
        if let text = try await settings.text(.httpMaxIdentifiers) {
            configuration.http.maxIdentifiers = try Check.int(
                text,
                key: .httpMaxIdentifiers,
                in: 1...Check.maxIdentifiers,
                expected: Expected.identifiers
            )
        }
        if let text = try await settings.text(.httpMaxPageSize) {
            configuration.http.maxPageSize = try Check.int(
                text,
                key: .httpMaxPageSize,
                in: 1...Check.maxPageSize,
                expected: Expected.pageSize
            )
        }
        if let text = try await settings.text(.httpMaxConnections) {
            configuration.http.maxConnections = try Check.int(
                text,
                key: .httpMaxConnections,
                in: 1...Check.maxConnections,
                expected: Expected.connections
            )
        }
        for (key, path) in [
            (ConfigurationKey.httpIdleTimeoutSeconds, \StockdConfiguration.HTTP.idleTimeoutSeconds),
            (.httpRequestTimeoutSeconds, \.requestTimeoutSeconds),
            (.httpWriteTimeoutSeconds, \.writeTimeoutSeconds),
        ] {
            if let text = try await settings.text(key) {
                configuration.http[keyPath: path] = try Check.int(text, key: key, in: 1...Check.maxTimeoutSeconds, expected: Expected.timeout)
            }
        }
        let defaultPageSize = try await settings.text(.httpDefaultPageSize)
        if let text = defaultPageSize {
            configuration.http.defaultPageSize = try Check.int(
                text,
                key: .httpDefaultPageSize,
                in: 1...Check.maxPageSize,
                expected: Expected.pageSize
            )
        }
        // Checked after both are read, so the order of the sources does not matter; a default page size over the
        // maximum is an operator's mistake, reported rather than silently clamped.
        if configuration.http.defaultPageSize > configuration.http.maxPageSize {
            throw invalid(
                .httpDefaultPageSize,
                defaultPageSize ?? String(configuration.http.defaultPageSize),
                Expected.defaultPageSize(max: configuration.http.maxPageSize)
            )
        }

        if let text = try await settings.text(.httpMinLSNMaxWaitMS) {
            configuration.http.minLSNMaxWaitMilliseconds = try Check.int(
                text, key: .httpMinLSNMaxWaitMS, in: 0...60_000, expected: Expected.minLSNWait)
        }
        for (key, path, range) in [
            (ConfigurationKey.httpEventsStreamBuffer, \StockdConfiguration.HTTP.eventsStreamBuffer, 1...1_000_000),
            (.httpEventsStreamMaxClients, \.eventsStreamMaxClients, 1...100_000),
            (.httpEventsStreamKeepAliveSeconds, \.eventsStreamKeepAliveSeconds, 1...3_600),
            (.httpEventsStreamMaxDurationMS, \.eventsStreamMaxDurationMilliseconds, 0...604_800_000),
        ] {
            if let text = try await settings.text(key) {
                configuration.http[keyPath: path] = try Check.int(
                    text, key: key, in: range, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
        }

        // log
        if let text = try await settings.text(.logLevel) {
            guard let level = Logger.Level(rawValue: Check.trim(text).lowercased()) else {
                throw invalid(.logLevel, text, Expected.logLevel)
            }
            configuration.log.level = level
        }

        // quarantine
        if let items = try await settings.list(.quarantineLocationIDs) {
            var ids: [Int] = []
            for item in items {
                ids.append(try Check.int(item, key: .quarantineLocationIDs, in: 1...Int.max, expected: Expected.locationID))
            }
            configuration.quarantine.locationIDs = ids
        }
        if let items = try await settings.list(.quarantineNamePatterns) {
            configuration.quarantine.namePatterns = items
        }
        if let text = try await settings.text(.quarantineWarehouseQCLocations) {
            configuration.quarantine.warehouseQCLocations = try Check.bool(text, key: .quarantineWarehouseQCLocations)
        }

        // safety_stock
        if let text = try await settings.text(.safetyStockDefault) {
            configuration.safetyStock.defaultQuantity = try Check.quantity(text, key: .safetyStockDefault)
        }
        if let items = try await settings.list(.safetyStockWarehouses) {
            configuration.safetyStock.warehouses = try Check.quantityMap(items, key: .safetyStockWarehouses)
        }
        if let items = try await settings.list(.safetyStockSKUs) {
            configuration.safetyStock.skus = try Check.quantityMap(items, key: .safetyStockSKUs)
        }

        // readiness
        if let text = try await settings.text(.readinessMaxLagSeconds) {
            configuration.readiness.maxLagSeconds = try Check.int(
                text,
                key: .readinessMaxLagSeconds,
                in: 0...Int.max,
                expected: Expected.seconds
            )
        }
        if let text = try await settings.text(.readinessMaxUnexpectedRows) {
            configuration.readiness.maxUnexpectedRows = try Check.int(
                text,
                key: .readinessMaxUnexpectedRows,
                in: 0...Int.max,
                expected: Expected.count
            )
        }

        try await readEvents(into: &configuration, from: settings)
        return configuration
    }

    /// The trimmed text, which must not be empty.
    private static func nonEmpty(_ text: String, _ key: ConfigurationKey) throws(ConfigurationError) -> String {
        let trimmed = ConfigurationValidation.trim(text)
        guard !trimmed.isEmpty else {
            throw invalid(key, text, ConfigurationValidation.Expected.nonEmpty)
        }
        return trimmed
    }

    /// An ``ConfigurationError/invalidValue(key:value:expected:)`` for `key`.
    private static func invalid(_ key: ConfigurationKey, _ value: String, _ expected: String) -> ConfigurationError {
        .invalidValue(key: key.rawValue, value: value, expected: expected)
    }
}
