import DromModel

extension FeedSplitter {
  /// Reads a whole JSON Feed document: its head, then each item in order, through the same
  /// checks as an XML feed's entries (duplicate ids, the count of entries kept).
  func readJSONFeed(_ bytes: [UInt8], limits: ParserLimits) {
    let root: JSONNode
    do {
      root = try JSONReader.parse(
        bytes, maxDepth: limits.maxDepth, maxStringBytes: limits.maxTextBytes)
    } catch {
      rejected = true
      context.diagnostics.add(
        .error, "json.malformed", line: error.line, column: error.column,
        "the document looks like JSON but cannot be read: \(error.message)")
      return
    }
    let adapter = JSONFeedAdapter(context: context)
    guard let (feed, items) = adapter.head(of: root) else {
      rejected = true
      return
    }
    head = feed
    format = feed.format
    for (offset, item) in items.enumerated() {
      accept(adapter.entry(from: item, number: offset + 1), number: offset + 1)
    }
  }
}
