import DromModel
import Foundation
import NIOCore
import Testing

@testable import DromHarvest

/// The rest of the hostile network (redirects to metadata and private addresses, trickled and
/// oversized bodies, redirect loops and web pages are in HostileServerTests and HarvestTests):
/// addresses that mean loopback in other spellings, watched by a canary that counts every
/// connection; a gzip bomb; an answer that never ends; a feed that changes on every fetch; a
/// TLS failure.
@Suite("A hostile network", .serialized)
struct HostileNetworkTests {
  @Test(
    "Loopback in any spelling is refused before any connection: the canary sees none",
    arguments: [
      "127.0.0.1", "localhost", "2130706433", "0x7f000001", "0177.0.0.1", "127.1",
      "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::1]",
    ])
  func loopbackSpellings(host: String) async throws {
    let bench = try HarvestBench()
    let canary = FixtureServer()
    try canary.start()
    defer { canary.stop() }
    canary.serve("/feed", body: feed([("urn:canary", "Canary")]))
    let address = "http://\(host):\(canary.port)/feed"
    let source = SourceDescription(
      key: address, title: "Not allowed private", feedURL: address, allowPrivateAddress: false)
    let result = try await bench.harvest([source])
    #expect(result[0].record.outcome == .failed)
    #expect(canary.connections == 0, "a connection reached the canary from \(address)")
    #expect(try bench.titles(source).isEmpty)
  }

  @Test(
    "A gzip bomb stops at the decompression limit, quickly, and loses nothing",
    .timeLimit(.minutes(1)))
  func gzipBomb() async throws {
    let bench = try HarvestBench()
    let source = bench.source("/feed")
    bench.server.serve("/feed", body: feed([("urn:1", "Roma stewards")], complete: true))
    try await bench.harvest([source])
    // 64 MB of spaces inside a feed, gzipped to about 64 KB (1 000 : 1).
    let bomb = try gzip(
      Data(feed([("urn:2", "Bomb")]).utf8.prefix(400)) + Data(repeating: 0x20, count: 64 << 20))
    #expect(bomb.count < 200_000)
    bench.server.route("/feed") { _ in
      .init(
        headers: [
          ("Content-Type", "application/atom+xml"), ("Content-Encoding", "gzip"),
        ], body: bomb)
    }
    let started = ContinuousClock.now
    let result = try await bench.harvest([source])
    #expect(result[0].record.outcome == .failed)
    #expect(ContinuousClock.now - started < .seconds(30))
    #expect(try bench.titles(source) == ["Roma stewards"])
  }

  @Test(
    "An answer that never ends is cut at the size limit, and loses nothing", .timeLimit(.minutes(1))
  )
  func endlessBody() async throws {
    let bench = try HarvestBench()
    bench.options.fetch.maxBytes = 2 << 20
    let source = bench.source("/feed")
    bench.server.serve("/feed", body: feed([("urn:1", "Roma stewards")], complete: true))
    try await bench.harvest([source])
    // 8 MB without a Content-Length, as a stream that would go on: over the limit either way.
    let endless = Data(repeating: UInt8(ascii: "x"), count: 8 << 20)
    bench.server.route("/feed") { _ in
      .init(headers: [("Content-Type", "application/atom+xml")], body: endless)
    }
    let result = try await bench.harvest([source])
    #expect(result[0].record.outcome == .failed)
    #expect(
      result[0].record.message?.contains("larger than 2097152 bytes") == true,
      "\(result[0].record.message ?? "")")
    #expect(try bench.titles(source) == ["Roma stewards"])
  }

  @Test("A feed that changes on every fetch is simply harvested each time, one version at a time")
  func changingFeed() async throws {
    let bench = try HarvestBench()
    let source = bench.source("/feed")
    let fetches = Locked(0)
    bench.server.route("/feed") { _ in
      fetches.value += 1
      return .init(body: Data(feed([("urn:1", "Version \(fetches.value)")], complete: true).utf8))
    }
    for round in 1...3 {
      let result = try await bench.harvest([source])
      #expect(result[0].record.outcome == .updated)
      #expect(try bench.titles(source) == ["Version \(round)"])
    }
  }

  @Test("A TLS failure (a plain HTTP server spoken to in TLS) is reported, and loses nothing")
  func tlsFailure() async throws {
    let bench = try HarvestBench()
    let source = bench.source("/feed")
    bench.server.serve("/feed", body: feed([("urn:1", "Roma stewards")], complete: true))
    try await bench.harvest([source])
    let https = SourceDescription(
      key: source.key, title: source.title,
      feedURL: source.feedURL.replacingOccurrences(of: "http://", with: "https://"),
      allowPrivateAddress: true)
    let result = try await bench.harvest([https])
    #expect(result[0].record.outcome == .failed)
    #expect(!(result[0].record.message ?? "").isEmpty)
    #expect(try bench.titles(source) == ["Roma stewards"])
  }
}

/// gzip through the system's `gzip` (Debian's base system has it): the tests need a bomb, and
/// Foundation has no compressor on Linux.
private func gzip(_ data: Data) throws -> Data {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/gzip")
  process.arguments = ["-c", "-9"]
  let input = Pipe()
  let output = Pipe()
  process.standardInput = input
  process.standardOutput = output
  try process.run()
  let writer = Thread {
    input.fileHandleForWriting.write(data)
    try? input.fileHandleForWriting.close()
  }
  writer.start()
  let compressed = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return compressed
}
