// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "codex-companion",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "codex-companion", targets: ["codex-companion"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // No I/O: models, parsing, routing policy, event decoding, rendering, and the ports.
        .target(
            name: "CompanionCore",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "CodexAdapter",
            dependencies: [
                "CompanionCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Store",
            dependencies: [
                "CompanionCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "TelegramAdapter",
            dependencies: [
                "CompanionCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The local web dashboard: a client of the task service, like the Telegram adapter.
        .target(
            name: "Dashboard",
            dependencies: [
                "CompanionCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Wiring: builds the bridge and the daemon from a config; tests call it with a literal config.
        .target(
            name: "CompanionApp",
            dependencies: [
                "CompanionCore", "CodexAdapter", "Store", "TelegramAdapter", "Dashboard",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "codex-companion",
            dependencies: [
                "CompanionApp", "CompanionCore", "CodexAdapter", "Store", "TelegramAdapter", "Dashboard",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The benchmark (see README): test tooling, not a product. It drives the built binary against the
        // test fakes, so it lives beside them under Tests/ and ships with nothing.
        .executableTarget(
            name: "companion-bench",
            dependencies: [
                "CompanionCore", "Store", "TestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/companion-bench"
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "CompanionCore", "CodexAdapter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Tests/TestSupport"
        ),
        // A hand-written fake of every port, for the unit tests of the service, the router and the presenter.
        .target(name: "PortFakes", dependencies: ["CompanionCore"], path: "Tests/PortFakes"),
        .testTarget(
            name: "CompanionCoreTests", dependencies: ["CompanionCore", "PortFakes", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "CompanionCore", "PortFakes"]),
        .testTarget(name: "CompanionAppTests", dependencies: ["CompanionApp", "CompanionCore", "TelegramAdapter", "TestSupport"]),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "Dashboard", "CompanionCore", "PortFakes", "TestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CodexAdapterTests",
            dependencies: ["CodexAdapter", "CompanionCore", "PortFakes", "Store", "TestSupport"]
        ),
        // Drives the built executable as a subprocess; the dependency makes `swift test` build it.
        .testTarget(name: "TelegramAdapterTests", dependencies: ["TelegramAdapter", "CompanionCore", "PortFakes", "TestSupport"]),
        .testTarget(
            name: "CompanionCLITests",
            dependencies: [
                "codex-companion", "CompanionCore", "Store", "TestSupport", .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .testTarget(
            name: "TelegramBotTests",
            dependencies: [
                "CodexAdapter", "CompanionApp", "CompanionCore", "Store", "TelegramAdapter", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
