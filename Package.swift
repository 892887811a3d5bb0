// swift-tools-version: 6.0
// Drom: a federated directory of good practices against discrimination in the labour market.
// Module direction (see docs/architecture.md): DromModel → DromFeeds → DromStore → DromHarvest → drom.
import PackageDescription

let strictness: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny")
]

/// The feed reader's hot loops mutate the state of a few objects on every XML and HTML event,
/// and Swift checks each such access for exclusivity at run time: 10 % of the reader's CPU
/// (docs/performance.md, feed-parse). Release builds leave those checks out for this module
/// only; the compiler's static checks still apply, and debug builds (the tests) keep the
/// run-time ones.
let readerSpeed: [SwiftSetting] = [
  .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
  name: "Drom",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "drom", targets: ["drom"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
  ],
  targets: [
    // Debian's libxml2, with the ICU clash defused in shim.h.
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]
    ),
    // Debian's libstemmer (Snowball).
    .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
    // Debian's mimalloc, the drom executable's memory allocator (docs/performance.md).
    .systemLibrary(name: "CMimalloc", providers: [.apt(["libmimalloc-dev"])]),
    // zlib, for unpacking workbook parts within bounds (DromImport/ZIPPartReader.swift).
    .systemLibrary(name: "CZlibInflate", providers: [.apt(["zlib1g-dev"])]),
    // libFuzzer's driver, declared only: drom-fuzz calls it when built with
    // `-sanitize=fuzzer` (scripts/fuzz), which links it.
    .systemLibrary(name: "CLibFuzzer"),
    .target(name: "DromModel", swiftSettings: strictness),
    .target(name: "DromText", dependencies: ["CStemmer"], swiftSettings: strictness),
    .target(
      name: "DromFeeds",
      dependencies: [
        "DromModel", "CLibXML2",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strictness + readerSpeed
    ),
    .target(
      name: "DromVocabulary",
      dependencies: ["DromModel", "DromFeeds", "DromText"],
      swiftSettings: strictness
    ),
    .target(
      name: "DromStore",
      dependencies: [
        "DromModel", "DromText", "DromVocabulary",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strictness
    ),
    .target(
      name: "DromHarvest",
      dependencies: [
        "DromModel", "DromFeeds", "DromStore", "DromVocabulary",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictness
    ),
    .target(
      name: "DromSite",
      dependencies: [
        "DromModel", "DromStore", "DromVocabulary", "DromText",
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "Ink", package: "Ink"),
      ],
      swiftSettings: strictness
    ),
    .target(
      name: "DromImport",
      dependencies: [
        "DromModel", "DromFeeds", "DromVocabulary", "DromText", "CZlibInflate",
        .product(name: "Yams", package: "Yams"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      swiftSettings: strictness
    ),
    .target(
      name: "DromReports",
      dependencies: [
        "DromModel", "DromStore", "DromSite", "DromVocabulary", "DromText",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strictness
    ),
    .target(
      name: "DromServer",
      dependencies: [
        "DromModel", "DromStore", "DromSite", "DromVocabulary", "DromReports",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "CompressNIO", package: "compress-nio"),
      ],
      swiftSettings: strictness
    ),
    .target(
      name: "DromExport",
      dependencies: [
        "DromModel", "DromStore", "DromSite", "DromVocabulary", "DromReports",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strictness
    ),
    .executableTarget(
      name: "drom",
      dependencies: [
        "DromModel", "DromFeeds", "DromStore", "DromHarvest", "DromVocabulary", "DromServer",
        "DromExport", "DromSite", "DromReports", "DromImport",
        "CMimalloc",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictness
    ),
    // The fuzzing harnesses (scripts/fuzz): one function per input a partner or a user controls,
    // each checking invariants, shared by drom-fuzz and the regression tests.
    .target(
      name: "DromFuzzing",
      dependencies: [
        "DromModel", "DromFeeds", "DromStore", "DromSite", "DromImport", "DromVocabulary",
        "CLibXML2", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      swiftSettings: strictness
    ),
    // libFuzzer's target when built with -DDROM_FUZZING -sanitize=fuzzer (scripts/fuzz); else
    // replays inputs through the same harnesses.
    .executableTarget(
      name: "drom-fuzz",
      dependencies: ["DromFuzzing", "CLibFuzzer"],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromFeedsTests",
      dependencies: ["DromFeeds", "DromModel", "DromFuzzing"],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromHarvestTests",
      dependencies: [
        "DromHarvest", "DromStore", "DromFeeds", "DromModel", "DromVocabulary",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromVocabularyTests",
      dependencies: ["DromVocabulary", "DromFeeds", "DromModel", "DromText"],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromServerTests",
      dependencies: [
        "DromServer", "DromSite", "DromStore", "DromHarvest", "DromVocabulary", "DromModel",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromImportTests",
      dependencies: [
        "DromImport", "DromFeeds", "DromVocabulary", "DromModel", "DromStore", "DromHarvest",
        .product(name: "Logging", package: "swift-log"),
      ],
      exclude: ["Golden"],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromReportsTests",
      dependencies: [
        "DromReports", "DromSite", "DromStore", "DromHarvest", "DromVocabulary", "DromModel",
        .product(name: "Logging", package: "swift-log"),
      ],
      exclude: ["Golden"],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromExportTests",
      dependencies: [
        "DromExport", "DromSite", "DromStore", "DromHarvest", "DromVocabulary", "DromModel",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromCLITests",
      dependencies: ["DromModel"],
      exclude: ["Golden"],
      swiftSettings: strictness
    ),
  ]
)
