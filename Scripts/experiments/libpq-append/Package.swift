// swift-tools-version:6.0
// An experiment beside newsroom, not part of its build: append_event sent from Swift through libpq
// instead of PostgresNIO, to measure what the client library costs row 1 (BENCHMARKS.md, the
// twenty-ninth session). See Sources/libpq-append/main.swift for how to run it.
import PackageDescription

let package = Package(
    name: "libpq-append",
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .executableTarget(name: "libpq-append", dependencies: ["CLibPQ"]),
    ]
)
