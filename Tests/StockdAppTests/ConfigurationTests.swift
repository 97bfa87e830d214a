import Foundation
import Logging
import StockHTTP
import TestSupport
import Testing

@testable import StockdApp

@Suite struct ConfigurationTests {
    // MARK: - Helpers

    /// Where this test's configuration files go; removed when the test ends (one suite value per test).
    private let directory = TemporaryDirectory(prefix: "stockd-config")

    /// Writes `yaml` to a fresh file in the test's temporary directory and returns its path.
    private func writeTemporaryFile(_ yaml: String) throws -> String {
        let path = directory.path + "/stockd-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Loads with only a YAML file.
    private func load(yaml: String) async throws -> StockdConfiguration {
        let path = try writeTemporaryFile(yaml)
        return try await StockdConfiguration.load(environment: [:], configFile: path)
    }

    /// Runs `body`, which must throw a `ConfigurationError`, and returns that error.
    private func configurationError(
        _ body: () async throws -> StockdConfiguration,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ConfigurationError {
        do {
            let configuration = try await body()
            Issue.record("expected a ConfigurationError, loaded \(configuration)", sourceLocation: sourceLocation)
            throw CancellationError()
        } catch let error as ConfigurationError {
            return error
        }
    }

    /// The repository's documented configuration file.
    private static let documentedFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // StockdAppTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("config/stockd.yaml")
        .path

    // MARK: - Defaults and the documented file

    @Test func defaultsWithNoSources() async throws {
        let configuration = try await StockdConfiguration.load(environment: [:], configFile: nil)
        #expect(configuration == StockdConfiguration())
        #expect(configuration.store.path == "./stockd-store")
        #expect(configuration.store.mapSizeMB == 1024)
        #expect(configuration.store.durability == .full)
        #expect(configuration.source.dsn == nil)
        #expect(configuration.source.slot == "stockd")
        #expect(configuration.source.publication == "stockd")
        #expect(configuration.http.host == "127.0.0.1")
        #expect(configuration.http.port == 8080)
        #expect(configuration.http.maxBodyBytes == 1_048_576)
        #expect(configuration.http.maxIdentifiers == 1_000)
        #expect(configuration.http.defaultPageSize == 500)
        #expect(configuration.http.maxPageSize == 5_000)
        #expect(configuration.http.maxConnections == 512)
        #expect(configuration.http.idleTimeoutSeconds == 30)
        #expect(configuration.http.requestTimeoutSeconds == 15)
        #expect(configuration.http.writeTimeoutSeconds == 30)
        #expect(configuration.log.level == .info)
        #expect(configuration.quarantine.locationIDs == [])
        #expect(configuration.quarantine.namePatterns == ["*/Quality Control", "*/Damaged", "*/Quarantine"])
        #expect(configuration.quarantine.warehouseQCLocations == false)
        #expect(configuration.safetyStock.defaultQuantity == "0")
        #expect(configuration.safetyStock.warehouses == [:])
        #expect(configuration.safetyStock.skus == [:])
        #expect(configuration.readiness.maxLagSeconds == 30)
    }

    @Test func documentedFileLoadsAsTheDefaults() async throws {
        #expect(FileManager.default.fileExists(atPath: Self.documentedFile))
        let configuration = try await StockdConfiguration.load(
            environment: [:],
            configFile: Self.documentedFile
        )
        #expect(configuration == StockdConfiguration())
    }

    @Test func documentedFileNamesEveryKey() throws {
        // Every key appears in the file as `name:` under its section, so operators see all of them.
        let text = try String(contentsOfFile: Self.documentedFile, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        for key in ConfigurationKey.allCases {
            let components = key.components
            let section = lines.firstIndex(of: "\(components[0]):")
            let sectionIndex = try #require(section, "section \(components[0]) missing")
            let rest = lines[(sectionIndex + 1)...].prefix { $0.isEmpty || $0.hasPrefix(" ") }
            #expect(rest.contains { $0.hasPrefix("  \(components[1]):") }, "\(key.rawValue) missing")
        }
    }

    // MARK: - Precedence

    @Test func fileOverridesDefaults() async throws {
        let configuration = try await load(
            yaml: """
                store:
                  path: /var/lib/stockd
                  map_size_mb: 4096
                  durability: no_meta_sync
                source:
                  dsn: "host=db dbname=odoo user=stockd"
                  slot: stockd_eu
                  publication: stockd_pub
                http:
                  host: 0.0.0.0
                  port: 9090
                log:
                  level: debug
                quarantine:
                  location_ids: [12, 40]
                  name_patterns: ["*/QC"]
                  warehouse_qc_locations: true
                safety_stock:
                  default: 2.50
                readiness:
                  max_lag_seconds: 5
                """
        )
        let expected = StockdConfiguration(
            store: .init(path: "/var/lib/stockd", mapSizeMB: 4096, durability: .noMetaSync),
            source: .init(dsn: "host=db dbname=odoo user=stockd", slot: "stockd_eu", publication: "stockd_pub"),
            http: .init(host: "0.0.0.0", port: 9090),
            log: .init(level: .debug),
            quarantine: .init(locationIDs: [12, 40], namePatterns: ["*/QC"], warehouseQCLocations: true),
            safetyStock: .init(defaultQuantity: "2.50"),
            readiness: .init(maxLagSeconds: 5)
        )
        #expect(configuration == expected)
    }

    @Test func environmentOverridesFile() async throws {
        let path = try writeTemporaryFile(
            """
            store:
              path: /from/file
              map_size_mb: 2048
            http:
              host: 10.0.0.1
              port: 9090
            """
        )
        let configuration = try await StockdConfiguration.load(
            environment: [
                "STOCKD_STORE_PATH": "/from/env",
                "STOCKD_HTTP_PORT": "9191",
                "STOCKD_SOURCE_DSN": "dbname=odoo",
                "HTTP_PORT": "1",  // not STOCKD_: ignored
            ],
            configFile: path
        )
        #expect(configuration.store.path == "/from/env")
        #expect(configuration.http.port == 9191)
        #expect(configuration.source.dsn == "dbname=odoo")
        // Not set in the environment: the file still applies.
        #expect(configuration.store.mapSizeMB == 2048)
        #expect(configuration.http.host == "10.0.0.1")
    }

    @Test func flagsOverrideEnvironment() async throws {
        let path = try writeTemporaryFile("http:\n  host: 10.0.0.1\nlog:\n  level: error\n")
        let environment = [
            "STOCKD_STORE_PATH": "/from/env",
            "STOCKD_HTTP_PORT": "9191",
            "STOCKD_SOURCE_DSN": "dbname=env",
            "STOCKD_HTTP_HOST": "10.0.0.2",
            "STOCKD_LOG_LEVEL": "warning",
        ]
        // What `stockd --store /from/flag --port 9000 --dsn 'host=a,b dbname=flag' --log-level trace` passes.
        let configuration = try await StockdConfiguration.load(
            overrides: ConfigurationOverrides(store: "/from/flag", dsn: "host=a,b dbname=flag", port: 9000, logLevel: "trace"),
            environment: environment,
            configFile: path
        )
        #expect(configuration.store.path == "/from/flag")
        #expect(configuration.http.port == 9000)
        // Values are taken verbatim: commas do not split a DSN.
        #expect(configuration.source.dsn == "host=a,b dbname=flag")
        #expect(configuration.log.level == .trace)
        // No --host flag: the environment wins over the file.
        #expect(configuration.http.host == "10.0.0.2")
    }

    @Test func flagsOverrideTheFile() async throws {
        let path = try writeTemporaryFile("http:\n  port: 7000\n  host: 10.0.0.1\n")
        let configuration = try await StockdConfiguration.load(
            overrides: ConfigurationOverrides(host: "::1"),
            environment: [:],
            configFile: path
        )
        #expect(configuration.http.port == 7000)
        #expect(configuration.http.host == "::1")
    }

    @Test func odooVersionIsAutoOrSixteenToEighteen() async throws {
        let auto = try await StockdConfiguration.load(environment: ["STOCKD_SOURCE_ODOO_VERSION": "auto"], configFile: nil)
        #expect(auto.source.odooVersion == nil)
        let sixteen = try await StockdConfiguration.load(environment: ["STOCKD_SOURCE_ODOO_VERSION": "16"], configFile: nil)
        #expect(sixteen.source.odooVersion == 16)
        await #expect(throws: ConfigurationError.self) {
            try await StockdConfiguration.load(environment: ["STOCKD_SOURCE_ODOO_VERSION": "15"], configFile: nil)
        }
    }

    @Test func everyKeyHasItsEnvironmentVariable() async throws {
        let environment = [
            "STOCKD_STORE_PATH": "/srv/stockd",
            "STOCKD_STORE_MAP_SIZE_MB": "64",
            "STOCKD_STORE_DURABILITY": "no_sync",
            "STOCKD_STORE_SYNC_INTERVAL_MS": "250",
            "STOCKD_SOURCE_DSN": "dbname=odoo",
            "STOCKD_SOURCE_STALL_TIMEOUT_MS": "4000",
            "STOCKD_SOURCE_AUTO_RESYNC": "false",
            "STOCKD_SOURCE_SLOT": "slot_1",
            "STOCKD_SOURCE_PUBLICATION": "pub",
            "STOCKD_SOURCE_ODOO_VERSION": "18",
            "STOCKD_HTTP_HOST": "0.0.0.0",
            "STOCKD_HTTP_PORT": "0",
            "STOCKD_HTTP_MAX_BODY_BYTES": "4096",
            "STOCKD_HTTP_MAX_IDENTIFIERS": "50",
            "STOCKD_HTTP_DEFAULT_PAGE_SIZE": "10",
            "STOCKD_HTTP_MAX_PAGE_SIZE": "20",
            "STOCKD_HTTP_MAX_CONNECTIONS": "40",
            "STOCKD_HTTP_IDLE_TIMEOUT_SECONDS": "11",
            "STOCKD_HTTP_REQUEST_TIMEOUT_SECONDS": "12",
            "STOCKD_HTTP_WRITE_TIMEOUT_SECONDS": "13",
            "STOCKD_LOG_LEVEL": "critical",
            "STOCKD_QUARANTINE_LOCATION_IDS": "7, 8",
            "STOCKD_QUARANTINE_NAME_PATTERNS": "",
            "STOCKD_QUARANTINE_WAREHOUSE_QC_LOCATIONS": "true",
            "STOCKD_SAFETY_STOCK_DEFAULT": "1.5",
            "STOCKD_SAFETY_STOCK_WAREHOUSES": "WH=2,EU=0",
            "STOCKD_SAFETY_STOCK_SKUS": "A-1=3",
            "STOCKD_READINESS_MAX_LAG_SECONDS": "120",
            "STOCKD_READINESS_MAX_UNEXPECTED_ROWS": "7",
            "STOCKD_INSTANCE_NAME": "eu_1",
            "STOCKD_HTTP_MIN_LSN_MAX_WAIT_MS": "500",
            "STOCKD_EVENTS_RULES_FILE": "/etc/stockd/rules.json",
            "STOCKD_EVENTS_OUTBOX_MAX_COUNT": "5000",
            "STOCKD_EVENTS_OUTBOX_MAX_AGE_SECONDS": "0",
            "STOCKD_HTTP_EVENTS_STREAM_BUFFER": "64",
            "STOCKD_HTTP_EVENTS_STREAM_MAX_CLIENTS": "3",
            "STOCKD_HTTP_EVENTS_STREAM_KEEPALIVE_SECONDS": "2",
            "STOCKD_HTTP_EVENTS_STREAM_MAX_DURATION_MS": "60000",
        ]
        #expect(Set(environment.keys) == Set(ConfigurationKey.allCases.map(\.environmentVariable)))
        let configuration = try await StockdConfiguration.load(environment: environment, configFile: nil)
        var store = StockdConfiguration.Store(path: "/srv/stockd", mapSizeMB: 64, durability: .noSync)
        store.syncIntervalMilliseconds = 250
        var source = StockdConfiguration.Source(dsn: "dbname=odoo", slot: "slot_1", publication: "pub", odooVersion: 18)
        source.stallTimeoutMilliseconds = 4_000
        source.autoResync = false
        var readiness = StockdConfiguration.Readiness(maxLagSeconds: 120)
        readiness.maxUnexpectedRows = 7
        var http = StockdConfiguration.HTTP(
            host: "0.0.0.0", port: 0, maxBodyBytes: 4096, maxIdentifiers: 50, defaultPageSize: 10, maxPageSize: 20,
            maxConnections: 40, idleTimeoutSeconds: 11, requestTimeoutSeconds: 12, writeTimeoutSeconds: 13
        )
        http.minLSNMaxWaitMilliseconds = 500
        http.eventsStreamBuffer = 64
        http.eventsStreamMaxClients = 3
        http.eventsStreamKeepAliveSeconds = 2
        http.eventsStreamMaxDurationMilliseconds = 60_000
        var expected = StockdConfiguration(
            store: store,
            source: source,
            http: http,
            log: .init(level: .critical),
            quarantine: .init(locationIDs: [7, 8], namePatterns: [], warehouseQCLocations: true),
            safetyStock: .init(defaultQuantity: "1.5", warehouses: ["WH": "2", "EU": "0"], skus: ["A-1": "3"]),
            readiness: readiness
        )
        // An explicit source.slot wins over the instance's derived slot.
        expected.instance.name = "eu_1"
        expected.events = .init(rulesFile: "/etc/stockd/rules.json")
        expected.events.outboxMaxCount = 5000
        expected.events.outboxMaxAgeSeconds = 0
        #expect(configuration == expected)
    }

    // MARK: - Instance identity

    /// The slot derives from the instance's name unless `source.slot` is set; with neither it stays `stockd`.
    @Test func theSlotDerivesFromTheInstanceName() async throws {
        let unnamed = try await StockdConfiguration.load(environment: [:], configFile: nil)
        #expect(unnamed.instance.name == nil)
        #expect(unnamed.source.slot == "stockd")

        let named = try await StockdConfiguration.load(environment: ["STOCKD_INSTANCE_NAME": "eu_2"], configFile: nil)
        #expect(named.instance.name == "eu_2")
        #expect(named.source.slot == "stockd_eu_2")

        var overrides = ConfigurationOverrides()
        overrides.instanceName = "b"
        let flagged = try await StockdConfiguration.load(overrides: overrides, environment: ["STOCKD_INSTANCE_NAME": "eu_2"], configFile: nil)
        #expect(flagged.source.slot == "stockd_b")

        let explicit = try await StockdConfiguration.load(
            environment: ["STOCKD_INSTANCE_NAME": "eu_2", "STOCKD_SOURCE_SLOT": "legacy"], configFile: nil)
        #expect(explicit.instance.name == "eu_2")
        #expect(explicit.source.slot == "legacy")

        let path = try writeTemporaryFile("instance:\n  name: a\nsource:\n  slot: \"\"\n")
        let fromFile = try await StockdConfiguration.load(environment: [:], configFile: path)
        #expect(fromFile.source.slot == "stockd_a")
    }

    @Test(arguments: ["Eu", "eu-1", String(repeating: "a", count: 57), "é"])
    func invalidInstanceNamesNameTheKey(name: String) async throws {
        let error = try await configurationError {
            try await StockdConfiguration.load(environment: ["STOCKD_INSTANCE_NAME": name], configFile: nil)
        }
        #expect(error.key == "instance.name")
    }

    // MARK: - HTTP limits

    @Test func httpLimitsFromEverySource() async throws {
        let path = try writeTemporaryFile(
            """
            http:
              max_body_bytes: 65536
              max_identifiers: 200
              default_page_size: 100
              max_page_size: 1000
            """
        )
        let fromFile = try await StockdConfiguration.load(environment: [:], configFile: path)
        #expect(fromFile.http == .init(maxBodyBytes: 65536, maxIdentifiers: 200, defaultPageSize: 100, maxPageSize: 1000))

        // The environment beats the file, and a flag beats the environment, key by key.
        let layered = try await StockdConfiguration.load(
            overrides: ConfigurationOverrides(maxIdentifiers: 7, maxPageSize: 2000),
            environment: ["STOCKD_HTTP_MAX_IDENTIFIERS": "300", "STOCKD_HTTP_MAX_BODY_BYTES": "1024"],
            configFile: path
        )
        #expect(layered.http == .init(maxBodyBytes: 1024, maxIdentifiers: 7, defaultPageSize: 100, maxPageSize: 2000))
    }

    @Test func httpLimitsReachTheRouter() {
        let http = StockdConfiguration.HTTP(maxBodyBytes: 2048, maxIdentifiers: 3, defaultPageSize: 4, maxPageSize: 9)
        #expect(HTTPServer.limits(http) == .init(maxBodyBytes: 2048, maxIdentifiers: 3, defaultPageSize: 4, maxPageSize: 9))
        let defaults = HTTPServer.limits(StockdConfiguration().http)
        #expect(defaults == .init())
    }

    @Test func connectionLimitsFromEverySource() async throws {
        let path = try writeTemporaryFile(
            """
            http:
              max_connections: 64
              idle_timeout_seconds: 5
              request_timeout_seconds: 6
              write_timeout_seconds: 7
            """
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try await StockdConfiguration.load(environment: [:], configFile: path)
        #expect(fromFile.http == .init(maxConnections: 64, idleTimeoutSeconds: 5, requestTimeoutSeconds: 6, writeTimeoutSeconds: 7))

        // Flags (as the stockd executable passes them) over environment over file.
        let layered = try await StockdConfiguration.load(
            overrides: ConfigurationOverrides(maxConnections: 8, writeTimeoutSeconds: 9),
            environment: ["STOCKD_HTTP_MAX_CONNECTIONS": "32", "STOCKD_HTTP_IDLE_TIMEOUT_SECONDS": "2"],
            configFile: path
        )
        #expect(layered.http == StockdConfiguration.HTTP(maxConnections: 8, idleTimeoutSeconds: 2, requestTimeoutSeconds: 6, writeTimeoutSeconds: 9))

        #expect(
            HTTPServer.connections(layered.http)
                == .init(maxConnections: 8, idleTimeout: .seconds(2), requestTimeout: .seconds(6), writeTimeout: .seconds(9))
        )
        #expect(HTTPServer.connections(StockdConfiguration().http) == .init())
    }

    @Test(arguments: [
        ("STOCKD_HTTP_MAX_CONNECTIONS", "0", "http.max_connections"),
        ("STOCKD_HTTP_MAX_CONNECTIONS", "lots", "http.max_connections"),
        ("STOCKD_HTTP_IDLE_TIMEOUT_SECONDS", "0", "http.idle_timeout_seconds"),
        ("STOCKD_HTTP_IDLE_TIMEOUT_SECONDS", "1.5", "http.idle_timeout_seconds"),
        ("STOCKD_HTTP_REQUEST_TIMEOUT_SECONDS", "86401", "http.request_timeout_seconds"),
        ("STOCKD_HTTP_WRITE_TIMEOUT_SECONDS", "-1", "http.write_timeout_seconds"),
    ])
    func invalidConnectionLimitNamesTheKey(variable: String, value: String, key: String) async throws {
        let error = try await configurationError {
            try await StockdConfiguration.load(environment: [variable: value], configFile: nil)
        }
        #expect(error.key == key)
        #expect(error.description.hasPrefix("\(key): \(value) is not a whole number"))
    }

    @Test(arguments: [
        ("STOCKD_HTTP_MAX_BODY_BYTES", "0", "http.max_body_bytes"),
        ("STOCKD_HTTP_MAX_BODY_BYTES", "1073741825", "http.max_body_bytes"),
        ("STOCKD_HTTP_MAX_BODY_BYTES", "1MB", "http.max_body_bytes"),
        ("STOCKD_HTTP_MAX_IDENTIFIERS", "0", "http.max_identifiers"),
        ("STOCKD_HTTP_MAX_IDENTIFIERS", "-5", "http.max_identifiers"),
        ("STOCKD_HTTP_MAX_IDENTIFIERS", "1000001", "http.max_identifiers"),
        ("STOCKD_HTTP_DEFAULT_PAGE_SIZE", "0", "http.default_page_size"),
        ("STOCKD_HTTP_MAX_PAGE_SIZE", "0", "http.max_page_size"),
        ("STOCKD_HTTP_MAX_PAGE_SIZE", "many", "http.max_page_size"),
    ])
    func invalidHTTPLimitNamesTheKey(variable: String, value: String, key: String) async throws {
        let error = try await configurationError {
            try await StockdConfiguration.load(environment: [variable: value], configFile: nil)
        }
        #expect(error.key == key)
        #expect(error.description.hasPrefix("\(key): \(value) is not a whole number"))
    }

    @Test func defaultPageSizeAboveTheMaximumIsAnError() async throws {
        // Only the default raised: the built-in maximum (5,000) still applies.
        let error = try await configurationError {
            try await StockdConfiguration.load(environment: ["STOCKD_HTTP_DEFAULT_PAGE_SIZE": "9000"], configFile: nil)
        }
        #expect(error.description == "http.default_page_size: 9000 is not a whole number from 1 to http.max_page_size (5000)")

        // Only the maximum lowered, below the built-in default (500).
        let lowered = try await configurationError {
            try await load(yaml: "http:\n  max_page_size: 100\n")
        }
        #expect(lowered.key == "http.default_page_size")
        #expect(lowered.description == "http.default_page_size: 500 is not a whole number from 1 to http.max_page_size (100)")

        // Both moved together is fine.
        let both = try await load(yaml: "http:\n  max_page_size: 100\n  default_page_size: 100\n")
        #expect(both.http.defaultPageSize == 100)
        #expect(both.http.maxPageSize == 100)
    }

    @Test func badLimitFlagIsAnError() async throws {
        let error = try await configurationError {
            try await StockdConfiguration.load(overrides: ConfigurationOverrides(maxBodyBytes: 0), environment: [:], configFile: nil)
        }
        #expect(error.key == "http.max_body_bytes")
    }

    @Test func describingTheConfigurationRedactsTheDSN() {
        let configuration = StockdConfiguration(source: .init(dsn: "host=db password=hunter2"))
        #expect(!String(describing: configuration).contains("hunter2"))
        #expect(!String(reflecting: configuration).contains("hunter2"))
        #expect(String(describing: configuration).contains("<redacted>"))
    }

    // MARK: - Safety stock maps

    @Test func safetyStockMapsParse() async throws {
        let configuration = try await load(
            yaml: """
                safety_stock:
                  default: "1"
                  warehouses: ["WH=2", "EU=0.25"]
                  skus:
                    - FURN_0001=5
                    - " E-COM11 = 1.50 "
                    - "A=B=3"
                """
        )
        #expect(configuration.safetyStock.defaultQuantity == "1")
        #expect(configuration.safetyStock.warehouses == ["WH": "2", "EU": "0.25"])
        #expect(configuration.safetyStock.skus == ["FURN_0001": "5", "E-COM11": "1.50", "A=B": "3"])
    }

    @Test(arguments: ["WH", "WH=", "=2", "WH=-1", "WH=1.", "WH=1e3", "WH=1,5"])
    func invalidSafetyStockEntryNamesTheKey(entry: String) async throws {
        let error = try await configurationError {
            try await StockdConfiguration.load(
                environment: ["STOCKD_SAFETY_STOCK_WAREHOUSES": entry.replacingOccurrences(of: ",", with: ";")],
                configFile: nil
            )
        }
        #expect(error.key == "safety_stock.warehouses")
    }

    @Test func duplicateSafetyStockCodeIsAnError() async throws {
        let error = try await configurationError {
            try await load(yaml: "safety_stock:\n  skus: [\"A=1\", \"A=2\"]\n")
        }
        #expect(error.key == "safety_stock.skus")
    }

    // MARK: - Validation errors

    @Test func invalidPortNamesTheKey() async throws {
        let error = try await configurationError {
            try await load(yaml: "http:\n  port: 70000\n")
        }
        #expect(error == .invalidValue(key: "http.port", value: "70000", expected: "a port (0...65535)"))
        #expect(error.description == "http.port: 70000 is not a port (0...65535)")

        let fromEnvironment = try await configurationError {
            try await StockdConfiguration.load(environment: ["STOCKD_HTTP_PORT": "http"], configFile: nil)
        }
        #expect(fromEnvironment.key == "http.port")

        let fromFlag = try await configurationError {
            try await StockdConfiguration.load(overrides: ConfigurationOverrides(port: -1), environment: [:], configFile: nil)
        }
        #expect(fromFlag.description == "http.port: -1 is not a port (0...65535)")
    }

    @Test func invalidDurabilityNamesTheKey() async throws {
        let error = try await configurationError {
            try await load(yaml: "store:\n  durability: fast\n")
        }
        #expect(error.key == "store.durability")
        #expect(error.description == "store.durability: fast is not one of full, no_meta_sync, no_sync")
    }

    @Test(arguments: ["-1", "1.", ".5", "1,5", "abc", "1e3", ""])
    func invalidDecimalNamesTheKey(text: String) async throws {
        let error = try await configurationError {
            try await StockdConfiguration.load(
                environment: ["STOCKD_SAFETY_STOCK_DEFAULT": text],
                configFile: nil
            )
        }
        #expect(error.key == "safety_stock.default")
        #expect(error.description.hasPrefix("safety_stock.default: "))
    }

    @Test func otherInvalidValuesNameTheirKeys() async throws {
        let cases: [(String, String)] = [
            ("store:\n  map_size_mb: 0\n", "store.map_size_mb"),
            ("store:\n  path: \"\"\n", "store.path"),
            ("source:\n  slot: Stockd-1\n", "source.slot"),
            ("log:\n  level: verbose\n", "log.level"),
            ("quarantine:\n  location_ids: [12, x]\n", "quarantine.location_ids"),
            ("quarantine:\n  warehouse_qc_locations: maybe\n", "quarantine.warehouse_qc_locations"),
            ("readiness:\n  max_lag_seconds: -5\n", "readiness.max_lag_seconds"),
            ("http:\n  port: [1, 2]\n", "http.port"),
        ]
        for (yaml, key) in cases {
            let error = try await configurationError { try await load(yaml: yaml) }
            #expect(error.key == key, "\(yaml)")
        }
    }

    @Test func decimalCheckMatchesThePattern() {
        for valid in ["0", "12", "0.5", "12.050"] {
            #expect(ConfigurationValidation.isDecimal(valid, allowNegative: false))
        }
        #expect(ConfigurationValidation.isDecimal("-3.5"))
        #expect(!ConfigurationValidation.isDecimal("-3.5", allowNegative: false))
        for invalid in ["", "-", ".", "1.", ".1", "+1", "1.2.3", " 1", "١"] {
            #expect(!ConfigurationValidation.isDecimal(invalid), "\(invalid)")
        }
    }

    // MARK: - The file itself and the flags

    @Test func unknownFileKeysAreReported() async throws {
        let error = try await configurationError {
            try await load(yaml: "http:\n  prot: 9000\nstorage:\n  path: x\n")
        }
        #expect(error == .unknownKeys(["http.prot", "storage.path"], file: try #require(error.fileName)))
        #expect(error.description.contains("unknown keys http.prot, storage.path"))

        let mapForm = try await configurationError {
            try await load(yaml: "safety_stock:\n  warehouses:\n    WH: 2\n")
        }
        #expect(mapForm.key == "safety_stock.warehouses.WH")
        #expect(mapForm.description.contains("CODE=qty"))
    }

    @Test func emptySectionsAreAccepted() async throws {
        let configuration = try await load(yaml: "store:\nquarantine:\n  name_patterns:\n")
        #expect(configuration.quarantine.namePatterns == [])
        #expect(configuration.store == StockdConfiguration.Store())
    }

    @Test func flatDottedKeysWork() async throws {
        let configuration = try await load(yaml: "http.port: 9000\nstore.durability: no_sync\n")
        #expect(configuration.http.port == 9000)
        #expect(configuration.store.durability == .noSync)
    }

    @Test func missingOrMalformedFileIsAnError() async throws {
        let missing = try await configurationError {
            try await StockdConfiguration.load(environment: [:], configFile: "/nonexistent/stockd.yaml")
        }
        guard case .unreadableFile(let path, _) = missing else {
            Issue.record("unexpected \(missing)")
            return
        }
        #expect(path == "/nonexistent/stockd.yaml")

        let malformed = try await configurationError { try await load(yaml: "http: [port: 1\n") }
        guard case .unreadableFile = malformed else {
            Issue.record("unexpected \(malformed)")
            return
        }
    }
}

extension ConfigurationError {
    /// The file of an `unknownKeys` error.
    fileprivate var fileName: String? {
        if case .unknownKeys(_, let file) = self { file } else { nil }
    }
}
