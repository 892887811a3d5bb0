/// The kinds of knowledge a partner publishes. The raw value is the term of the
/// entry-kinds scheme (`https://w3id.org/drom/vocab/kinds/<term>`), used in feeds and URLs.
public enum EntryKind: String, Codable, CaseIterable, Sendable, Comparable {
  case practice
  case organisation
  case person
  case law
  case material
  case finding
  case event

  /// The URI a feed uses in `dcterms:type` for this kind.
  public var uri: String { EntryKind.schemeURI + "/" + rawValue }

  public static let schemeURI = "https://w3id.org/drom/vocab/kinds"

  /// The exact URIs, looked up before any normalising: what nearly every feed writes.
  private static let byURI: [String: EntryKind] = Dictionary(
    uniqueKeysWithValues: allCases.map { ($0.uri, $0) })

  /// Reads a `dcterms:type` value: the kind's URI, its bare term, or a few common synonyms.
  public init?(typeValue: String) {
    if let kind = EntryKind.byURI[typeValue] {
      self = kind
      return
    }
    var term = typeValue.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    if term.hasPrefix(EntryKind.schemeURI.lowercased() + "/") {
      term.removeFirst(EntryKind.schemeURI.count + 1)
    }
    switch term {
    case "practice", "good-practice", "goodpractice", "good practice": self = .practice
    case "organisation", "organization", "org": self = .organisation
    case "person", "contact", "contact-person": self = .person
    case "law", "policy", "legislation", "integration-plan", "plan": self = .law
    case "material", "guide", "toolkit", "training", "training-module": self = .material
    case "finding", "round-table-finding", "diagnosis": self = .finding
    case "event", "round-table", "study-visit", "workshop", "career-fair": self = .event
    default: return nil
    }
  }

  public static func < (lhs: EntryKind, rhs: EntryKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
