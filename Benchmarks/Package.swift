// swift-tools-version: 6.2
import PackageDescription

// The in-process benchmark suite of stockd (ordo-one/package-benchmark), kept as a separate package so that
// building or testing stockd never resolves or compiles the benchmark tooling.
//
//   cd Benchmarks && swift package benchmark --no-progress      # quick pass: 5k and 50k variants
//   STOCKD_BENCH_FULL=1 swift package benchmark --no-progress   # adds the 500k-variant catalogue
//   ../scripts/bench-check.sh                                   # CI gate on allocation counts
//
// See docs/benchmarks.md.

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "stockd-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "stockd", path: "../"),
        // The MallocInterposer trait is required: the default RuntimeInterposer trait pulls a repository the
        // package mirror does not have, and without any trait there are no malloc metrics.
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
    ],
    targets: [
        // Shared fixtures: generated catalogues, prebuilt projections, operation streams. No Benchmark dependency,
        // so MemoryFootprint runs without the malloc interposer.
        .target(
            name: "BenchmarkFixtures",
            dependencies: [
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
            ],
            swiftSettings: swiftSettings
        ),
        // glibc heap statistics and the resident set size, for MemoryFootprint.
        .target(name: "CHeapStats"),
        // Heap and RSS per stock level, measured outside package-benchmark (docs/benchmarks.md).
        .executableTarget(
            name: "MemoryFootprint",
            dependencies: [
                "BenchmarkFixtures", "CHeapStats",
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
                .product(name: "StockStorage", package: "stockd"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ProjectionBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
            ],
            path: "Benchmarks/ProjectionBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Forecast (issue 14): memory per open move, measured outside package-benchmark.
        .executableTarget(
            name: "ForecastFootprint",
            dependencies: [
                "BenchmarkFixtures", "CHeapStats",
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ForecastBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
            ],
            path: "Benchmarks/ForecastBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Stock events (issue 13): applying transactions with and without 1,000 rules.
        .executableTarget(
            name: "EventBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StockEvents", package: "stockd"),
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
            ],
            path: "Benchmarks/EventBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KitBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
            ],
            path: "Benchmarks/KitBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "WireBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PostgresReplicationWire", package: "stockd"),
                .product(name: "OdooReplication", package: "stockd"),
                .product(name: "StockProjection", package: "stockd"),
            ],
            path: "Benchmarks/WireBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Serving from LMDB's memory map vs from the projection (issue 12's open question); by hand only.
        .executableTarget(
            name: "ServingBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LMDB", package: "stockd"),
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
            ],
            path: "Benchmarks/ServingBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "HTTPBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StockHTTP", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Benchmarks/HTTPBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StorageBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "StockProjection", package: "stockd"),
                .product(name: "StockCatalogue", package: "stockd"),
                .product(name: "StockStorage", package: "stockd"),
            ],
            path: "Benchmarks/StorageBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
