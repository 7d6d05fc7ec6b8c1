// swift-tools-version:6.0
import PackageDescription

// One target per layer; dependencies point downward only:
// NewsroomCLI / NewsroomHTTP -> NewsroomProjections -> NewsroomEventStore -> NewsroomDomain.
let package = Package(
    name: "newsroom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "newsroom", targets: ["NewsroomCLI"]),
        .executable(name: "newsroom-bench", targets: ["NewsroomBench"]),
        .library(name: "NewsroomDomain", targets: ["NewsroomDomain"]),
        .library(name: "NewsroomEventStore", targets: ["NewsroomEventStore"]),
        .library(name: "NewsroomProjections", targets: ["NewsroomProjections"]),
        .library(name: "NewsroomApplication", targets: ["NewsroomApplication"]),
        .library(name: "NewsroomHTTP", targets: ["NewsroomHTTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already built for postgres-nio; the archive import computes the log's SHA-256 chain with it.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3" ..< "5.0.0"),
        // Already built for postgres-nio; sslmode's certificate checks are set with it.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(name: "NewsroomDomain"),
        // libpq (Debian's libpq-dev): a command's append costs its client about half the CPU it
        // costs through PostgresNIO (BENCHMARKS.md, the twenty-ninth session).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // A command's one-event appends through libpq, for processes that run many commands (the
        // benchmark's); a library of its own, so that the CLI does not load libpq and the 21
        // libraries it brings (5 ms of every process start).
        .target(name: "NewsroomLibPQ", dependencies: ["NewsroomDomain", "NewsroomEventStore", "CLibPQ"]),
        .target(
            name: "NewsroomEventStore",
            dependencies: [
                "NewsroomDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Only to recognise its ConnectionPoolError, which PostgresNIO passes on unwrapped.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "NewsroomProjections",
            dependencies: [
                "NewsroomDomain",
                "NewsroomEventStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The use cases the CLI and HTTP layers call: resolve articles, run commands, read models.
        .target(
            name: "NewsroomApplication",
            dependencies: [
                "NewsroomDomain",
                "NewsroomEventStore",
                "NewsroomProjections",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "NewsroomHTTP",
            dependencies: [
                "NewsroomApplication",
                "NewsroomProjections",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "NewsroomCLI",
            dependencies: [
                "NewsroomDomain",
                "NewsroomEventStore",
                "NewsroomProjections",
                "NewsroomApplication",
                "NewsroomHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The benchmark driver Scripts/bench runs beside raw PostgreSQL baselines; not a test.
        .executableTarget(
            name: "NewsroomBench",
            dependencies: ["NewsroomApplication", "NewsroomProjections", "NewsroomEventStore", "NewsroomLibPQ"]
        ),
        // Connects tests to the throwaway PostgreSQL that Scripts/test starts.
        .target(
            name: "NewsroomTestSupport",
            dependencies: [
                "NewsroomEventStore",
                "NewsroomProjections",
                "NewsroomApplication",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/NewsroomTestSupport"
        ),
        .testTarget(name: "NewsroomDomainTests", dependencies: ["NewsroomDomain"]),
        .testTarget(
            name: "NewsroomEventStoreTests",
            dependencies: ["NewsroomEventStore", "NewsroomLibPQ", "NewsroomTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "NewsroomProjectionsTests",
            dependencies: ["NewsroomApplication", "NewsroomProjections", "NewsroomLibPQ", "NewsroomTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "NewsroomHTTPTests",
            dependencies: ["NewsroomHTTP", "NewsroomTestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "_ConnectionPoolModule", package: "postgres-nio")]
        ),
        .testTarget(
            name: "NewsroomCLITests",
            dependencies: ["NewsroomApplication", "NewsroomEventStore", "NewsroomTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
