import DromFeeds
import DromModel
import Foundation

/// A SKOS concept, as Drom uses it.
public struct Concept: Sendable, Hashable {
  public var uri: String
  public var scheme: String
  /// The term: the last segment of the URI (`employment`), as feeds write it.
  public var term: String
  /// One preferred label per language (BCP 47).
  public var prefLabels: [String: String]
  public var altLabels: [String: [String]]
  public var broader: [String]
  /// `skos:related`: a domain's related themes are what a practice on that domain carries.
  public var related: [String] = []
  public var exactMatch: [String]
  public var definition: String?
  public var file: String
  public var line: Int
}

public struct ConceptScheme: Sendable, Hashable {
  public var uri: String
  public var prefLabels: [String: String]
  public var file: String
}

/// The shipped SKOS schemes: themes, target groups, grounds, domains, kinds, resource and
/// event types. Loaded from `Vocabularies/*.rdf`, read by path at run time.
public struct Vocabulary: Sendable {
  public private(set) var schemes: [String: ConceptScheme] = [:]
  public private(set) var concepts: [String: Concept] = [:]
  /// Concept URI → the URIs of its narrower concepts (inverse of `broader`, one level).
  public private(set) var narrower: [String: [String]] = [:]
  /// Problems found while reading the files.
  public private(set) var diagnostics: [Diagnostic] = []
  /// Where towns and cities are, from `places.tsv` and `places-local.tsv` in the same folder.
  public internal(set) var places: Gazetteer = .empty
  let matcher: ConceptMatcher

  public static let empty = Vocabulary(schemes: [], concepts: [], diagnostics: [])

  /// Reads every `.rdf` file of a directory, in name order.
  public static func load(directory: String) throws -> Vocabulary {
    let files = try FileManager.default.contentsOfDirectory(atPath: directory)
      .filter { $0.hasSuffix(".rdf") }.sorted()
    var schemes: [ConceptScheme] = []
    var concepts: [Concept] = []
    var diagnostics: [Diagnostic] = []
    for name in files {
      let path = (directory as NSString).appendingPathComponent(name)
      let read = try SKOSReader.read(path: path)
      diagnostics += read.diagnostics
      schemes += read.schemes.map { raw in
        ConceptScheme(uri: raw.uri, prefLabels: Self.byLanguage(raw.prefLabels), file: path)
      }
      for raw in read.concepts {
        let scheme =
          raw.inScheme.first ?? String(raw.uri[..<(raw.uri.lastIndex(of: "/") ?? raw.uri.endIndex)])
        var altLabels: [String: [String]] = [:]
        for literal in raw.altLabels {
          altLabels[literal.language, default: []].append(literal.value)
        }
        concepts.append(
          Concept(
            uri: raw.uri, scheme: scheme,
            term: String(raw.uri.split(separator: "/").last ?? Substring(raw.uri)),
            prefLabels: Self.byLanguage(raw.prefLabels), altLabels: altLabels,
            broader: raw.broader, related: raw.related, exactMatch: raw.exactMatch,
            definition: raw.definitions.first { $0.language == "en" }?.value
              ?? raw.definitions.first?.value,
            file: path, line: raw.line))
      }
    }
    var vocabulary = Vocabulary(schemes: schemes, concepts: concepts, diagnostics: diagnostics)
    vocabulary.places = Gazetteer(directory: directory)
    return vocabulary
  }

  public init(schemes: [ConceptScheme], concepts: [Concept], diagnostics: [Diagnostic]) {
    for scheme in schemes { self.schemes[scheme.uri] = scheme }
    for concept in concepts {
      self.concepts[concept.uri] = concept
      for parent in concept.broader { narrower[parent, default: []].append(concept.uri) }
    }
    self.diagnostics = diagnostics
    matcher = ConceptMatcher(concepts: concepts)
  }

  private static func byLanguage(_ literals: [SKOSReader.Literal]) -> [String: String] {
    var labels: [String: String] = [:]
    for literal in literals where labels[literal.language] == nil {
      labels[literal.language] = literal.value
    }
    return labels
  }

  /// The concept a scheme and term name (`https://w3id.org/drom/vocab/themes`, `employment`).
  public func concept(scheme: String, term: String) -> Concept? {
    let base = scheme.hasSuffix("/") ? String(scheme.dropLast()) : scheme
    return concepts[base + "/" + term.lowercased()]
  }

  /// The concept and every concept below it, for filters that include narrower concepts.
  public func withDescendants(_ uri: String) -> [String] {
    var result: [String] = []
    var queue = [uri]
    while let next = queue.popLast() {
      guard !result.contains(next) else { continue }
      result.append(next)
      queue += narrower[next] ?? []
    }
    return result
  }

  /// The concepts of a scheme, top concepts first, each followed by its narrower ones.
  public func tree(of scheme: String) -> [(concept: Concept, depth: Int)] {
    let members = concepts.values.filter { $0.scheme == scheme }
    let memberURIs = Set(members.map(\.uri))
    var rows: [(Concept, Int)] = []
    func visit(_ concept: Concept, _ depth: Int) {
      rows.append((concept, depth))
      for child in (narrower[concept.uri] ?? []).compactMap({ concepts[$0] }).sorted(by: {
        $0.term < $1.term
      }) {
        visit(child, depth + 1)
      }
    }
    for top in members.filter({ $0.broader.allSatisfy { !memberURIs.contains($0) } }).sorted(by: {
      $0.term < $1.term
    }) {
      visit(top, 0)
    }
    return rows
  }

  /// The label to show a reader of `language`, following the explicit fallback chain.
  public func label(_ concept: Concept, language: String) -> String {
    LanguageFallback.pick(from: concept.prefLabels, for: language) ?? concept.term
  }
}
