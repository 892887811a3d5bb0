/// At most `perHost` fetches at once to any one host, so a partner's server is never hammered
/// however many of its feeds the registry lists.
actor HostLimiter {
  private let perHost: Int
  private var running: [String: Int] = [:]
  private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

  init(perHost: Int) {
    self.perHost = max(1, perHost)
  }

  func acquire(_ host: String) async {
    if running[host, default: 0] < perHost {
      running[host, default: 0] += 1
      return
    }
    await withCheckedContinuation { waiting[host, default: []].append($0) }
  }

  func release(_ host: String) {
    if var queue = waiting[host], !queue.isEmpty {
      let next = queue.removeFirst()
      waiting[host] = queue
      next.resume()  // the slot passes straight to the next waiter
    } else {
      running[host, default: 1] -= 1
    }
  }
}
