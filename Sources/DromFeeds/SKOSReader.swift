import DromModel
import Foundation

/// SKOS concept schemes in RDF/XML, the shape of the files in `Vocabularies/` (see its README):
/// raw values as written, read with the same safe streaming parser as feeds.
public enum SKOSReader {
  public static let skos = "http://www.w3.org/2004/02/skos/core#"

  /// A language-tagged literal.
  public struct Literal: Sendable, Hashable {
    public var language: String
    public var value: String
  }

  public struct RawScheme: Sendable {
    public var uri: String
    public var prefLabels: [Literal]
    public var line: Int
  }

  public struct RawConcept: Sendable {
    public var uri: String
    public var inScheme: [String]
    public var prefLabels: [Literal]
    public var altLabels: [Literal]
    public var broader: [String]
    public var narrower: [String]
    public var related: [String]
    public var exactMatch: [String]
    public var definitions: [Literal]
    public var line: Int
  }

  public struct Result: Sendable {
    public var schemes: [RawScheme]
    public var concepts: [RawConcept]
    public var diagnostics: [Diagnostic]
  }

  public static func read(path: String) throws -> Result {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return read(data, file: path)
  }

  public static func read(_ data: Data, file: String) -> Result {
    let diagnostics = DiagnosticCollector(file: file)
    let sink = SKOSSink(diagnostics: diagnostics)
    let parser = XMLStreamParser(limits: ParserLimits(), diagnostics: diagnostics, sink: sink)
    parser.push(data)
    parser.finish()
    return Result(
      schemes: sink.schemes, concepts: sink.concepts, diagnostics: diagnostics.diagnostics)
  }
}

private final class SKOSSink: XMLSplitSink {
  let diagnostics: DiagnosticCollector
  var schemes: [SKOSReader.RawScheme] = []
  var concepts: [SKOSReader.RawConcept] = []

  init(diagnostics: DiagnosticCollector) {
    self.diagnostics = diagnostics
  }

  func decide(
    _ name: QName, attributes: [(name: QName, value: String)], depth: Int, line: Int, column: Int
  ) -> SplitDecision {
    if depth == 0 {
      guard name == QName(NS.rdf, "RDF") else {
        diagnostics.add(
          .error, "vocab.not-rdf", line: line, column: column,
          "the vocabulary's root element is <\(name.local)>, not <rdf:RDF>: write SKOS in RDF/XML as Vocabularies/README.md shows"
        )
        return .reject
      }
      return .container
    }
    return .subtree
  }

  func receive(_ node: XMLNode, depth: Int) {
    let skos = SKOSReader.skos
    guard let uri = node.attribute("about", namespace: NS.rdf) else { return }
    func literals(_ local: String) -> [SKOSReader.Literal] {
      node.all(skos, local).compactMap { element in
        guard let value = element.trimmedText else { return nil }
        return SKOSReader.Literal(language: element.lang ?? "", value: value)
      }
    }
    func resources(_ local: String) -> [String] {
      node.all(skos, local).compactMap { $0.attribute("resource", namespace: NS.rdf) }
    }
    switch (node.name.namespace, node.name.local) {
    case (skos, "ConceptScheme"):
      schemes.append(.init(uri: uri, prefLabels: literals("prefLabel"), line: node.line))
    case (skos, "Concept"):
      concepts.append(
        .init(
          uri: uri, inScheme: resources("inScheme"), prefLabels: literals("prefLabel"),
          altLabels: literals("altLabel"), broader: resources("broader"),
          narrower: resources("narrower"), related: resources("related"),
          exactMatch: resources("exactMatch"), definitions: literals("definition"),
          line: node.line))
    default:
      break
    }
  }

  func close(container: QName, depth: Int) {}
}
