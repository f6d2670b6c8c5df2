// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CareLedger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "careledger", targets: ["careledger"]),
        .library(name: "TransparencyLog", targets: ["TransparencyLog"]),
        .library(name: "LedgerCrypto", targets: ["LedgerCrypto"]),
        .library(name: "CreditRecords", targets: ["CreditRecords"]),
        .library(name: "CreditExport", targets: ["CreditExport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // TLS for `serve --tls-cert/--tls-key` (through HummingbirdTLS) and for the clients.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        // The web pages' templates (server-rendered HTML, issue 18).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // The only place that talks to OpenSSL (libcrypto) directly.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "LedgerCrypto", dependencies: ["COpenSSL"]),
        // Excel workbooks for the export's xlsx profiles (constant-memory mode), the only
        // place that talks to libxlsxwriter.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // Deflate and CRC-32 for the export's own streaming xlsx writer (docs/export.md
        // "Excel writers"): Intel's ISA-L deflates XML about 3.7 times as fast as zlib's
        // fastest level, and the sheets' deflate is most of what an Excel batch costs.
        .systemLibrary(
            name: "CISAL",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        // QR codes on printed check receipts (libqrencode from Debian, as COpenSSL is).
        .systemLibrary(
            name: "CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        // The CPU's CRC-32C instruction for frame check words (the log keeps a table fallback).
        .target(name: "CCRC32C"),
        // The one durable-write path (StorageIO, PosixIO, atomic replace) under every store,
        // so fault injection reaches them all (docs/architecture.md, "Durable writes").
        .target(name: "DurableStorage"),
        // Where plain HTTP may go (loopback only), asked by the server and the clients alike.
        .target(name: "TransportPolicy"),
        // Domain-agnostic append-only log: storage, Merkle tree, proofs, checkpoints, tiles.
        .target(name: "TransparencyLog", dependencies: ["DurableStorage", "LedgerCrypto", "CCRC32C"]),
        // The record model: kinds, identifiers, validation, canonical (RFC 8785) JSON.
        .target(name: "CreditRecords", dependencies: ["LedgerCrypto"]),
        // The personal-data vault: records' personal parts encrypted per subject, erasable
        // (docs/log-format.md "Sealed entries"). Knows nothing of record kinds.
        .target(name: "PersonalVault", dependencies: ["LedgerCrypto", "DurableStorage", "CCRC32C"]),
        // People and institutions by identifier, and the status rules (docs/background-index.md).
        .target(name: "BackgroundIndex", dependencies: ["CreditRecords", "LedgerCrypto", "DurableStorage"]),
        // National credit platform export: mapping, batches, cursor, push (no HTTP server code).
        // ServiceClient (the clients' transport: https, or http to loopback only) lives here too.
        .target(
            name: "CreditExport",
            dependencies: [
                "CreditRecords", "TransparencyLog", "LedgerCrypto", "DurableStorage", "CXlsxWriter", "CISAL", "TransportPolicy",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The application core: the use cases (submit a record, run a check, disclose an
        // institution, principals) and their stores. No HTTP: the server and the CLI call it.
        .target(
            name: "LedgerCore",
            dependencies: [
                "TransparencyLog", "LedgerCrypto", "CreditRecords", "BackgroundIndex", "DurableStorage", "PersonalVault",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The HTTP service (Hummingbird 2): routes, request decoding, problems, middleware.
        .target(
            name: "CareLedgerServer",
            dependencies: [
                "LedgerCore", "TransparencyLog", "LedgerCrypto", "CreditRecords", "BackgroundIndex", "DurableStorage", "PersonalVault",
                "TransportPolicy",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                "CQREncode",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "careledger",
            dependencies: [
                "TransparencyLog", "LedgerCrypto", "CreditRecords", "LedgerCore", "CareLedgerServer", "BackgroundIndex", "CreditExport",
                "PersonalVault", "DurableStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Child process for the crash tests and the load generator for BENCHMARKS.md.
        .executableTarget(name: "log-torture", dependencies: ["TransparencyLog", "LedgerCrypto"], path: "tools/log-torture"),
        .executableTarget(name: "log-bench", dependencies: ["TransparencyLog", "LedgerCrypto", "LedgerTestSupport"], path: "tools/log-bench"),
        .executableTarget(name: "load-records", dependencies: ["LedgerCore", "CreditRecords", "TransparencyLog", "PersonalVault"], path: "tools/load-records"),
        // BackgroundIndex figures: rebuild rate, snapshot + tail start-up, lookups, memory per record.
        .executableTarget(name: "index-bench", dependencies: ["BackgroundIndex", "CreditRecords", "LedgerCrypto"], path: "tools/index-bench"),
        // The vault's crash-test child (seals and syncs until SIGKILLed) and its figures.
        .executableTarget(name: "vault-torture", dependencies: ["PersonalVault", "LedgerCrypto"], path: "tools/vault-torture"),
        .executableTarget(name: "vault-bench", dependencies: ["PersonalVault", "LedgerCrypto"], path: "tools/vault-bench"),
        // Issue 17's figure: authentication cost with 10 and 100,000 principals (RELIABILITY.md).
        .executableTarget(name: "principal-bench", dependencies: ["LedgerCore", "CreditRecords", "LedgerCrypto"], path: "tools/principal-bench",
                          exclude: ["random-token.lua"]),
        // Issue 17 part 5 over HTTP: a service with N principals bulk-loaded through the core
        // (tools/principals-bench/side-by-side.sh; RELIABILITY.md, BENCHMARKS.md).
        .executableTarget(name: "principals-bench", dependencies: ["CareLedgerServer", "LedgerCore", "CreditRecords"], path: "tools/principals-bench",
                          exclude: ["side-by-side.sh"]),
        // The kind table as JSON, read by tools/gen-record-schemas.py.
        .executableTarget(name: "kind-table", dependencies: ["CreditRecords"], path: "tools/kind-table"),
        // Mixed records for the export benchmark (tools/bench-export.sh).
        .executableTarget(name: "export-bench-load", dependencies: ["CreditRecords", "TransparencyLog"], path: "tools/export-bench-load"),
        // The child ExactlyOnceCrashTests and PushCrashTests SIGKILL: `careledger export` with a
        // step hook that kills the process (the library and the real command carry none).
        .executableTarget(name: "export-crash-child", dependencies: ["CreditExport", "TransparencyLog", "LedgerCrypto"], path: "tools/export-crash-child"),
        // The child MigrationTests SIGKILL: `careledger migrate` with a step hook that kills the
        // process (the library and the real command carry none).
        .executableTarget(name: "migrate-crash-child", dependencies: ["LedgerCore", "CreditRecords", "PersonalVault"], path: "tools/migrate-crash-child"),
        // Test machinery (FaultInjectingIO, MemoryStorageDriver, temporary directories, child
        // processes, tags): linked by test targets and tools only, never by the service or the
        // command line.
        .target(name: "LedgerTestSupport", dependencies: ["DurableStorage", "CChildSpawn", "TransparencyLog", "LedgerCrypto"]),
        // posix_spawn with glibc's *_np file actions (closefrom, chdir) for LedgerTestSupport.
        .target(name: "CChildSpawn"),
        // libFuzzer targets (tools/fuzz builds them with -sanitize=fuzzer -DFUZZING); a plain
        // build makes replayers that run the same checks on files. Library modules only.
        .target(name: "FuzzSupport", path: "tools/fuzzers/FuzzSupport"),
        .executableTarget(name: "fuzz-record", dependencies: ["FuzzSupport", "CreditRecords"], path: "tools/fuzzers/fuzz-record"),
        .executableTarget(name: "fuzz-note", dependencies: ["FuzzSupport", "TransparencyLog", "LedgerCrypto"], path: "tools/fuzzers/fuzz-note"),
        .executableTarget(name: "fuzz-frame", dependencies: ["FuzzSupport", "TransparencyLog", "LedgerCrypto"], path: "tools/fuzzers/fuzz-frame"),
        .executableTarget(name: "fuzz-ids", dependencies: ["FuzzSupport", "CreditRecords"], path: "tools/fuzzers/fuzz-ids"),
        .executableTarget(name: "fuzz-tilepath", dependencies: ["FuzzSupport", "TransparencyLog"], path: "tools/fuzzers/fuzz-tilepath"),
        .testTarget(name: "LedgerCryptoTests", dependencies: ["LedgerCrypto"]),
        .testTarget(name: "PersonalVaultTests", dependencies: ["PersonalVault", "LedgerCrypto", "DurableStorage", "LedgerTestSupport"]),
        .testTarget(name: "TransparencyLogTests", dependencies: ["TransparencyLog", "LedgerCrypto", "LedgerTestSupport"]),
        .testTarget(name: "CreditRecordsTests", dependencies: ["CreditRecords", "LedgerCrypto", "LedgerTestSupport"]),
        .testTarget(name: "BackgroundIndexTests", dependencies: ["BackgroundIndex", "CreditRecords", "LedgerCrypto", "DurableStorage", "LedgerTestSupport"]),
        .testTarget(
            name: "CreditExportTests",
            dependencies: [
                "CreditExport", "CreditRecords", "TransparencyLog", "LedgerCrypto", "DurableStorage", "LedgerTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // PushTests' receiver over HTTPS, for the pushes' private-CA option.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "CareLedgerServerTests",
            dependencies: [
                "CareLedgerServer", "LedgerCore", "CreditRecords", "TransparencyLog", "LedgerCrypto", "BackgroundIndex", "DurableStorage", "LedgerTestSupport",
                "CreditExport", "PersonalVault",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
