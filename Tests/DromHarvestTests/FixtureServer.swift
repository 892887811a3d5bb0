import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on a loopback port, serving what each test sets for each path, and
/// counting requests. Responses may be slow or huge, to test the fetcher's limits.
final class FixtureServer: @unchecked Sendable {
  struct Response {
    var status: HTTPResponseStatus = .ok
    var headers: [(String, String)] = [("Content-Type", "application/atom+xml; charset=utf-8")]
    var body = Data()
    /// Wait this long before answering.
    var delay: TimeAmount = .zero
    /// Send the body one byte at a time, this long apart (a server that trickles).
    var trickle: TimeAmount?
  }

  private let lock = NSLock()
  private var routes: [String: (HTTPRequestHead) -> Response] = [:]
  private var requestLog: [HTTPRequestHead] = []
  private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
  private var channel: (any Channel)?

  var port: Int { channel?.localAddress?.port ?? 0 }
  func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

  func route(_ path: String, _ handler: @escaping (HTTPRequestHead) -> Response) {
    lock.withLock { routes[path] = handler }
  }

  func serve(
    _ path: String, body: String, headers: [(String, String)]? = nil,
    status: HTTPResponseStatus = .ok
  ) {
    route(path) { _ in
      var response = Response(status: status, body: Data(body.utf8))
      if let headers { response.headers = headers }
      return response
    }
  }

  var requests: [HTTPRequestHead] { lock.withLock { requestLog } }
  /// Every TCP connection accepted, whether or not a request followed: the canary's count.
  var connections: Int { lock.withLock { acceptedConnections } }
  private var acceptedConnections = 0
  func requests(to path: String) -> [HTTPRequestHead] { requests.filter { $0.uri == path } }

  func start() throws {
    channel = try ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        self.lock.withLock { self.acceptedConnections += 1 }
        return channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(Handler(server: self))
        }
      }
      .bind(host: "127.0.0.1", port: 0).wait()
  }

  func stop() {
    try? channel?.close().wait()
    try? group.syncShutdownGracefully()
  }

  fileprivate func respond(to head: HTTPRequestHead) -> Response {
    lock.withLock {
      requestLog.append(head)
      let path = String(head.uri.split(separator: "?").first ?? "")
      return routes[path]?(head) ?? Response(status: .notFound, body: Data("not found".utf8))
    }
  }

  private final class Handler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let server: FixtureServer

    init(server: FixtureServer) {
      self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      guard case .head(let head) = unwrapInboundIn(data) else { return }
      let response = server.respond(to: head)
      let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
      context.eventLoop.scheduleTask(in: response.delay) {
        let context = loopBound.value
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
        context.write(
          self.wrapOutboundOut(
            .head(
              HTTPResponseHead(version: head.version, status: response.status, headers: headers))),
          promise: nil)
        if let interval = response.trickle {
          context.flush()
          self.trickle(response.body[...], every: interval, context: context)
          return
        }
        context.write(
          self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
      }
    }

    /// Writes one byte, then schedules the rest; stops when the client has gone.
    private func trickle(
      _ rest: Data.SubSequence, every interval: TimeAmount, context: ChannelHandlerContext
    ) {
      guard context.channel.isActive else { return }
      guard let byte = rest.first else {
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        return
      }
      context.writeAndFlush(
        self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: [byte])))), promise: nil)
      let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
      context.eventLoop.scheduleTask(in: interval) {
        self.trickle(rest.dropFirst(), every: interval, context: loopBound.value)
      }
    }
  }
}
