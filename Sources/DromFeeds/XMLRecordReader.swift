import DromModel
import Foundation

/// Reads an XML document made of records (a spreadsheet's rows, its shared strings) as a
/// stream, through the same parser as feeds: no DTD, no entities, limits, and memory that holds
/// one record at a time. The importers read XLSX and ODS with it.
public final class XMLRecordReader {
  /// One element of a record, with its attributes and children in document order.
  public struct Element: Sendable {
    public let namespace: String
    public let name: String
    public let line: Int
    let attributes: [(namespace: String, name: String, value: String)]
    public let children: [Node]

    public func attribute(_ name: String, namespace: String = "") -> String? {
      attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }

    /// The child elements.
    public var elements: [Element] {
      children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// All the text inside, in order.
    public var text: String {
      children.map {
        switch $0 {
        case .text(let text): text
        case .element(let element): element.text
        }
      }.joined()
    }
  }

  public enum Node: Sendable {
    case element(Element)
    case text(String)
  }

  public enum Problem: Error, CustomStringConvertible {
    case malformed(String)

    public var description: String {
      switch self {
      case .malformed(let message): message
      }
    }
  }

  /// The elements (by local name, any namespace) handed over whole; every other element is
  /// entered, and `container` hears it open (a sheet's name is on its `table:table`).
  private let records: Set<String>
  private let limits: ParserLimits

  public init(records: Set<String>, limits: ParserLimits = ParserLimits(maxDocumentBytes: 1 << 30))
  {
    self.records = records
    self.limits = limits
  }

  /// Feeds the document in chunks (`produce` calls its argument with each), calling `record`
  /// for each record as it closes. `container` hears every other element open; what it returns,
  /// when not nil, becomes the scope handed with the records that follow (an ODS sheet's name).
  public func read(
    _ produce: (_ push: (Data) -> Void) throws -> Void,
    record: (_ scope: String?, Element) throws -> Void,
    container: @escaping (_ name: String, _ attribute: (String, String) -> String?) -> String? = {
      _, _ in nil
    }
  ) throws {
    let diagnostics = DiagnosticCollector(file: "")
    let sink = Sink(records: records, container: container)
    let parser = XMLStreamParser(limits: limits, diagnostics: diagnostics, sink: sink)
    var failure: (any Error)?
    try withoutActuallyEscaping(record) { record in
      try produce { data in
        guard failure == nil, !parser.stopped else { return }
        parser.push(data)
        do {
          for (scope, element) in sink.drain() { try record(scope, element) }
        } catch {
          failure = error
        }
      }
    }
    parser.finish()
    if let failure { throw failure }
    for (scope, element) in sink.drain() { try record(scope, element) }
    if let error = diagnostics.diagnostics.first(where: { $0.severity == .error }) {
      throw Problem.malformed("line \(error.location.line): \(error.message)")
    }
  }

  private final class Sink: XMLSplitSink {
    let records: Set<String>
    let container: (String, (String, String) -> String?) -> String?
    private var ready: [(String?, Element)] = []
    private var scope: String?

    init(
      records: Set<String>, container: @escaping (String, (String, String) -> String?) -> String?
    ) {
      self.records = records
      self.container = container
    }

    func drain() -> [(String?, Element)] {
      defer { ready.removeAll(keepingCapacity: true) }
      return ready
    }

    func decide(
      _ name: QName, attributes: [(name: QName, value: String)], depth: Int, line: Int,
      column: Int
    ) -> SplitDecision {
      if records.contains(name.local) { return .subtree }
      if let newScope = container(
        name.local,
        { local, namespace in
          attributes.first { $0.name.local == local && $0.name.namespace == namespace }?.value
        })
      {
        scope = newScope
      }
      return .container
    }

    func receive(_ subtree: XMLNode, depth: Int) {
      ready.append((scope, Self.element(subtree)))
    }

    func close(container: QName, depth: Int) {}

    static func element(_ node: XMLNode) -> Element {
      Element(
        namespace: node.name.namespace, name: node.name.local, line: node.line,
        attributes: node.attributes.map { ($0.name.namespace, $0.name.local, $0.value) },
        children: node.children.map { child in
          switch child {
          case .text(let text): .text(text)
          case .element(let element): .element(Self.element(element))
          }
        })
    }
  }
}
