// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode plus the upcoming features the
/// Hummingbird and swift-nio code bases use (see docs/architecture.md).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "stockd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stockd", targets: ["stockd"]),
        .executable(name: "odoo-fixtures", targets: ["odoo-fixtures"]),
        .library(name: "StockProjection", targets: ["StockProjection"]),
        .library(name: "StockStorage", targets: ["StockStorage"]),
        .library(name: "StockCatalogue", targets: ["StockCatalogue"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "PostgresReplicationWire", targets: ["PostgresReplicationWire"]),
        .library(name: "OdooReplication", targets: ["OdooReplication"]),
        .library(name: "OdooFixtures", targets: ["OdooFixtures"]),
        .library(name: "StockHTTP", targets: ["StockHTTP"]),
        .library(name: "StockEvents", targets: ["StockEvents"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: ["YAML", "CommandLineArguments"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // C libraries, each imported by exactly one Swift module.
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // A small safe Swift wrapper over LMDB; the only module that imports CLMDB.
        .target(name: "LMDB", dependencies: ["CLMDB"], swiftSettings: swiftSettings),

        // The domain: products, locations, quants, scopes and figures. No C, NIO or HTTP.
        .target(
            name: "StockProjection",
            dependencies: [
                .product(name: "HashTreeCollections", package: "swift-collections"),
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: swiftSettings
        ),

        // Calendar arithmetic (days ↔ year, month, day) and ISO 8601 text of UTC instants; stdlib only, so the wire
        // decoder, the HTTP API and the reports share one implementation without depending on one another.
        .target(name: "CivilTime", swiftSettings: swiftSettings),

        // PostgreSQL logical replication wire format: CopyBoth framing and pgoutput messages (pure Swift).
        .target(name: "PostgresReplicationWire", dependencies: ["CivilTime"], swiftSettings: swiftSettings),

        // Odoo-shaped SQL: schema DDL for Odoo 16/17/18, catalogue inserts, Odoo's write patterns, the oracle query.
        .target(name: "OdooFixtures", dependencies: ["StockProjection", "StockCatalogue"], swiftSettings: swiftSettings),

        // A thin Swift wrapper over libpq: connections, queries, COPY OUT and COPY BOTH; the only module importing CLibPQ.
        .target(name: "LibPQ", dependencies: ["CLibPQ"], swiftSettings: swiftSettings),

        // Odoo's tables (16, 17, 18) read by column name into stock changes.
        .target(name: "OdooIngest", dependencies: ["StockProjection"], swiftSettings: swiftSettings),

        // Odoo's PostgreSQL to source transactions: setup, slot, initial snapshot, pgoutput stream.
        .target(
            name: "OdooReplication",
            dependencies: [
                "LibPQ", "PostgresReplicationWire", "OdooIngest", "StockProjection",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        // The HTTP API (Hummingbird 2): availability, location pulls, change feed, health, metrics.
        .target(
            name: "StockHTTP",
            dependencies: [
                "StockProjection", "CivilTime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        // Durable storage of the projection and its checkpoint in LMDB.
        .target(name: "StockStorage", dependencies: ["StockProjection", "LMDB"], swiftSettings: swiftSettings),

        // Stock events: rules on the figures evaluated at commit boundaries, as outbox records (domain level).
        .target(name: "StockEvents", dependencies: ["StockProjection", "CivilTime"], swiftSettings: swiftSettings),

        // Webhooks: delivers outbox events to subscriptions (Standard Webhooks signatures, retries, dead letters).
        .target(
            name: "StockWebhooks",
            dependencies: [
                "StockEvents", "StockProjection",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Generator of Odoo-shaped catalogues (demo, tests, benchmarks).
        .target(name: "StockCatalogue", dependencies: ["StockProjection"], swiftSettings: swiftSettings),

        // The catalogue-shape options (swift-argument-parser) that both executables take; kept out of the
        // domain and of StockCatalogue, and shared without either executable depending on the other.
        .target(
            name: "CatalogueCommandLine",
            dependencies: ["StockCatalogue", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),

        // Composition root: configuration and the commands' logic, testable without the executable.
        .target(
            name: "StockdApp",
            dependencies: [
                "StockProjection", "StockStorage", "StockCatalogue", "StockHTTP", "OdooReplication", "PostgresReplicationWire", "LibPQ", "CivilTime",
                "StockEvents", "StockWebhooks",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "stockd",
            dependencies: [
                "StockdApp", "CatalogueCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Odoo-shaped SQL on standard output, for demos and benchmarks.
        .executableTarget(
            name: "odoo-fixtures",
            dependencies: [
                "OdooFixtures", "StockCatalogue", "StockProjection", "LibPQ", "CatalogueCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // A child process for the crash-safety test: commits to a store until it is killed.
        .executableTarget(
            name: "store-crash-writer",
            dependencies: ["StockProjection", "StockStorage"],
            path: "Tests/Support/StoreCrashWriter",
            swiftSettings: swiftSettings
        ),
        // Test helpers shared by the test targets (a temporary directory); a plain target, not a product.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        // A small hand-made Odoo location tree and catalogue, shared by the projection's and the event rules' tests.
        .target(
            name: "ProjectionTestFixtures", dependencies: ["StockProjection"], path: "Tests/ProjectionTestFixtures", swiftSettings: swiftSettings),
        .testTarget(name: "CivilTimeTests", dependencies: ["CivilTime"], swiftSettings: swiftSettings),
        .testTarget(name: "PostgresReplicationWireTests", dependencies: ["PostgresReplicationWire"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OdooFixturesTests", dependencies: ["OdooFixtures", "StockCatalogue", "StockProjection", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "OdooIngestTests", dependencies: ["OdooIngest", "StockProjection"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OdooReplicationTests", dependencies: ["OdooReplication", "OdooIngest", "StockProjection", "PostgresReplicationWire"],
            swiftSettings: swiftSettings),
        // Integration tests against a real PostgreSQL (started by scripts/test.sh) and real LMDB files.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "OdooReplication", "OdooFixtures", "OdooIngest", "LibPQ", "StockStorage", "StockProjection", "StockCatalogue",
                "PostgresReplicationWire", "TestSupport", "StockEvents", "StockWebhooks", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StockHTTPTests",
            dependencies: [
                "StockHTTP", "StockProjection", "StockCatalogue",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StockEventsTests",
            dependencies: ["StockEvents", "StockProjection", "StockCatalogue", "StockStorage", "TestSupport", "ProjectionTestFixtures"],
            swiftSettings: swiftSettings),
        .testTarget(name: "StockWebhooksTests", dependencies: ["StockWebhooks", "StockEvents", "StockProjection"], swiftSettings: swiftSettings),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StockProjectionTests", dependencies: ["StockProjection", "StockCatalogue", "ProjectionTestFixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StockStorageTests",
            dependencies: ["StockStorage", "StockProjection", "StockCatalogue", "LMDB", "TestSupport", "store-crash-writer"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StockdAppTests",
            dependencies: [
                "StockdApp", "StockProjection", "StockStorage", "StockCatalogue", "OdooReplication", "StockHTTP", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
