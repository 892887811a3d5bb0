// swift-tools-version: 6.0
// Drom: a federated directory of good practices against discrimination in the labour market.
// Module direction (see docs/architecture.md): DromModel → DromFeeds → DromStore → DromHarvest → drom.
import PackageDescription

let strictness: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny")
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
  ],
  targets: [
    // Debian's libxml2, with the ICU clash defused in shim.h.
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]
    ),
    .target(name: "DromModel", swiftSettings: strictness),
    .target(
      name: "DromFeeds",
      dependencies: [
        "DromModel", "CLibXML2",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strictness
    ),
    .executableTarget(
      name: "drom",
      dependencies: [
        "DromModel", "DromFeeds",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromFeedsTests",
      dependencies: ["DromFeeds", "DromModel"],
      swiftSettings: strictness
    ),
    .testTarget(
      name: "DromCLITests",
      dependencies: ["DromModel"],
      swiftSettings: strictness
    ),
  ]
)
