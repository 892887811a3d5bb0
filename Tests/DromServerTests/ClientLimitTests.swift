import DromServer
import DromSite
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import DromServer

@Suite("Hostile clients: what one search may cost, and how many one client may ask for")
struct ClientLimitTests {
  @Test(
    "Searches too long, too wordy, too short a prefix, too deep or over too many values are refused with what to do instead",
    arguments: [
      ("q=" + String(repeating: "a", count: 10_000), "under 500 characters"),
      ("q=" + Array(repeating: "roma", count: 25).joined(separator: "%20"), "at most 24 words"),
      ("raw=true&q=a*", "at least 3 letters"),
      ("raw=true&q=%22ab%22*+OR+mediator", "at least 3 letters"),
      ("q=roma&page=1001", "from 1 to 1000"),
      ("q=roma&page=99999999999999999999", "from 1 to 1000"),
      (
        Array(repeating: "city=G%C3%B6teborg", count: 51).joined(separator: "&"),
        "at most 50 values"
      ),
    ])
  func expensiveSearches(query: String, advice: String) async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/api/search?" + query, method: .get) { response in
        #expect(response.status == .badRequest)
        let error = try #require(try json(response)["error"] as? [String: Any])
        #expect((error["message"] as? String)?.contains(advice) == true, "\(error)")
      }
      try await client.execute(uri: "/en/search?" + query, method: .get) { response in
        #expect(response.status == .badRequest)
        #expect(text(response).contains(advice))
      }
    }
  }

  @Test("A long prefix, a phrase and a page within bounds are still searched")
  func boundedSearches() async throws {
    try await app().test(.router) { client in
      for query in ["raw=true&q=mediat*", "raw=true&q=%22roma+mediator%22*", "q=roma&page=3"] {
        try await client.execute(uri: "/api/search?" + query, method: .get) { response in
          #expect(response.status == .ok, "\(query)")
        }
      }
    }
  }

  @Test("A client over its search rate gets 429 with Retry-After; pages without a search pass")
  func rateLimit() async throws {
    // Slow enough to refill nothing while the test runs, however loaded the machine.
    let limit = SearchRateLimit(perSecond: 0.01, burst: 3)
    try await app(searchRate: limit).test(.router) { client in
      for number in 1...3 {
        try await client.execute(uri: "/api/search?q=roma\(number)", method: .get) { response in
          #expect(response.status == .ok)
        }
      }
      try await client.execute(uri: "/api/search?q=roma4", method: .get) { response in
        #expect(response.status == .tooManyRequests)
        #expect(response.headers[HTTPField.Name("Retry-After")!].flatMap(Int.init) ?? 0 >= 1)
        let error = try #require(try json(response)["error"] as? [String: Any])
        #expect(error["code"] as? String == "too-many-searches")
      }
      try await client.execute(uri: "/en/search?q=roma5", method: .get) { response in
        #expect(response.status == .tooManyRequests)
        #expect(text(response).contains("Too many searches"))
      }
      // Browsing is not searching: listings, entry pages and the API's other routes answer.
      for uri in ["/en/", "/en/city/goteborg/", "/api/sources", "/en/search"] {
        try await client.execute(uri: uri, method: .get) { response in
          #expect(response.status == .ok, "\(uri)")
        }
      }
    }
    // Unlimited when told so.
    try await app(searchRate: .off).test(.router) { client in
      for number in 1...10 {
        try await client.execute(uri: "/api/search?q=roma\(number)", method: .get) { response in
          #expect(response.status == .ok)
        }
      }
    }
  }

  @Test(
    "Buckets refill with time, are kept per client, and stay bounded under a flood of addresses")
  func buckets() {
    final class Clock: @unchecked Sendable {
      var now = 0.0
    }
    let clock = Clock()
    let buckets = ClientBuckets(
      limit: SearchRateLimit(perSecond: 2, burst: 2), capacity: 100, clock: { clock.now })
    #expect(buckets.take("a") == nil)
    #expect(buckets.take("a") == nil)
    let wait = buckets.take("a")
    #expect(wait != nil && abs(wait! - 0.5) < 1e-9)
    #expect(buckets.take("b") == nil)  // another client has its own bucket
    clock.now = 0.5
    #expect(buckets.take("a") == nil)  // one search refilled
    #expect(buckets.take("a") != nil)
    for client in 0..<10_000 { _ = buckets.take("flood-\(client)") }
    #expect(buckets.count <= 100)
  }

  @Test("Behind a trusted proxy on loopback the client is the last X-Forwarded-For address")
  func forwardedFor() {
    func client(_ peer: String?, _ header: String?, trust: Bool) -> String {
      SearchRateLimitMiddleware.client(peer: peer, forwardedFor: header, trustForwardedFor: trust)
    }
    #expect(client("127.0.0.1", "6.6.6.6, 203.0.113.7", trust: true) == "203.0.113.7")
    #expect(client("::1", "203.0.113.7", trust: true) == "203.0.113.7")
    // Not trusted, or not from loopback: the header is the client's own claim, ignored.
    #expect(client("127.0.0.1", "203.0.113.7", trust: false) == "127.0.0.1")
    #expect(client("198.51.100.2", "203.0.113.7", trust: true) == "198.51.100.2")
    #expect(client("127.0.0.1", nil, trust: true) == "127.0.0.1")
    #expect(client(nil, nil, trust: false) == "unknown")
    #expect(SearchRateLimitMiddleware.isSearch(Request.get("/api/search?q=roma")))
    #expect(!SearchRateLimitMiddleware.isSearch(Request.get("/api/search?q=")))
    #expect(!SearchRateLimitMiddleware.isSearch(Request.get("/en/city/goteborg/")))
  }
}

extension Request {
  static func get(_ uri: String) -> Request {
    Request(
      head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: uri),
      body: .init(buffer: .init()))
  }
}
