/// Bounds on what one feed may make the parser do. Hitting one is a diagnostic, never a crash
/// or a hang. The defaults fit any honest partner feed with a wide margin.
public struct ParserLimits: Sendable, Hashable {
  /// Bytes of the whole document, as received.
  public var maxDocumentBytes: Int
  /// Elements open at once.
  public var maxDepth: Int
  /// Attributes on one element.
  public var maxAttributes: Int
  /// Bytes of one run of text (or CDATA) between two tags.
  public var maxTextBytes: Int

  public init(
    maxDocumentBytes: Int = 64 << 20, maxDepth: Int = 64, maxAttributes: Int = 64,
    maxTextBytes: Int = 4 << 20
  ) {
    self.maxDocumentBytes = maxDocumentBytes
    self.maxDepth = maxDepth
    self.maxAttributes = maxAttributes
    self.maxTextBytes = maxTextBytes
  }
}
