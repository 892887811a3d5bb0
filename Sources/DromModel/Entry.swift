import Foundation

/// Text that came as HTML: the sanitised markup Drom may show, and its plain text for search.
public struct RichText: Codable, Hashable, Sendable {
  public var html: String
  public var text: String

  public init(html: String, text: String) {
    self.html = html
    self.text = text
  }
}

/// A category the partner put on an entry. Mapped to a vocabulary concept later; until then a
/// candidate, kept with its scheme and label.
public struct Category: Codable, Hashable, Sendable {
  public var term: String
  public var scheme: String?
  public var label: String?

  public init(term: String, scheme: String? = nil, label: String? = nil) {
    self.term = term
    self.scheme = scheme
    self.label = label
  }
}

/// A link from an entry (`atom:link`).
public struct Link: Codable, Hashable, Sendable {
  public var href: String
  public var rel: String
  public var type: String?
  public var hreflang: String?
  public var title: String?
  /// The size in bytes, when the feed gives it (enclosures).
  public var length: Int?

  public init(
    href: String, rel: String = "alternate", type: String? = nil, hreflang: String? = nil,
    title: String? = nil, length: Int? = nil
  ) {
    self.href = href
    self.rel = rel
    self.type = type
    self.hreflang = hreflang
    self.title = title
    self.length = length
  }
}

/// A person or body credited with an entry (`atom:author`, `dc:creator`).
public struct Author: Codable, Hashable, Sendable {
  public var name: String
  public var uri: String?
  public var email: String?

  public init(name: String, uri: String? = nil, email: String? = nil) {
    self.name = name
    self.uri = uri
    self.email = email
  }
}

/// What a law or policy entry adds: its identifiers and where it applies.
public struct LegalInfo: Codable, Hashable, Sendable {
  public enum Jurisdiction: String, Codable, Sendable, CaseIterable, Comparable {
    case city, region, country, eu

    private var rank: Int { Jurisdiction.allCases.firstIndex(of: self)! }
    public static func < (lhs: Jurisdiction, rhs: Jurisdiction) -> Bool { lhs.rank < rhs.rank }
  }

  /// European Legislation Identifier, e.g. `http://data.europa.eu/eli/dir/2000/43/oj`.
  public var eli: String?
  /// CELEX number, e.g. `32000L0043`.
  public var celex: String?
  /// A national identifier when neither ELI nor CELEX exists.
  public var nationalIdentifier: String?
  public var jurisdiction: Jurisdiction?

  public init(
    eli: String? = nil, celex: String? = nil, nationalIdentifier: String? = nil,
    jurisdiction: Jurisdiction? = nil
  ) {
    self.eli = eli
    self.celex = celex
    self.nationalIdentifier = nationalIdentifier
    self.jurisdiction = jurisdiction
  }
}

/// A period (`dcterms:temporal`), used for events and for when a practice ran.
public struct Period: Codable, Hashable, Sendable {
  public var start: Date?
  public var end: Date?

  public init(start: Date? = nil, end: Date? = nil) {
    self.start = start
    self.end = end
  }
}

/// One entry of a partner's feed, normalised: what Drom understood, whatever the format.
public struct Entry: Codable, Hashable, Sendable {
  /// The entry's id in its feed: `atom:id`, `guid`, `rdf:about`, or one derived from link and
  /// title when the feed gives none (then `idIsDerived` is true).
  public var id: String
  public var idIsDerived: Bool
  public var kind: EntryKind
  public var language: LanguageTag?
  public var title: String
  /// True when the feed gave no title and Drom made one from the entry's first sentence.
  public var titleIsDerived: Bool
  public var summary: String?
  public var content: RichText?
  public var links: [Link]
  public var published: Date?
  public var updated: Date?
  /// True when the entry had no date of its own and carries its feed's.
  public var dateIsFromFeed: Bool
  public var authors: [Author]
  public var contributors: [Author]
  /// An image that stands for the entry (`media:thumbnail`, `itunes:image`, JSON Feed `image`).
  public var image: String?
  public var categories: [Category]
  /// The vocabulary concepts the entry's categories and audiences name, with every broader
  /// concept above them (so a filter on a theme finds its narrower themes too). Set when the
  /// entry is harvested; empty from `drom inspect`, which reads no vocabulary.
  public var concepts: [String]
  /// Categories that name no concept, kept as plain tags.
  public var tags: [String]
  /// `dcterms:audience`: target groups, as free text or concept URIs.
  public var audiences: [String]
  public var places: [Place]
  /// `dcterms:language` of the resource described, when it differs from the entry's text.
  public var resourceLanguages: [LanguageTag]
  public var identifiers: [String]
  public var license: String?
  public var rights: String?
  public var source: String?
  public var isPartOf: String?
  /// The id of the entry this one translates (`dcterms:isVersionOf`).
  public var translationOf: String?
  public var temporal: Period?
  public var contacts: [Contact]
  public var legal: LegalInfo?
  public var outcomes: [String]
  public var evidence: [String]
  public var funding: [String]
  /// Where the entry starts in its document, for diagnostics.
  public var line: Int

  public init(id: String, kind: EntryKind, title: String, line: Int = 0) {
    self.id = id
    self.idIsDerived = false
    self.kind = kind
    self.language = nil
    self.title = title
    self.titleIsDerived = false
    self.summary = nil
    self.content = nil
    self.links = []
    self.published = nil
    self.updated = nil
    self.dateIsFromFeed = false
    self.authors = []
    self.contributors = []
    self.image = nil
    self.categories = []
    self.concepts = []
    self.tags = []
    self.audiences = []
    self.places = []
    self.resourceLanguages = []
    self.identifiers = []
    self.license = nil
    self.rights = nil
    self.source = nil
    self.isPartOf = nil
    self.translationOf = nil
    self.temporal = nil
    self.contacts = []
    self.legal = nil
    self.outcomes = []
    self.evidence = []
    self.funding = []
    self.line = line
  }

  /// The page this entry points to: its first `alternate` link.
  public var canonicalLink: String? {
    links.first { $0.rel == "alternate" }?.href
  }
}

extension Entry {
  /// Entries are stored as JSON in the index; one written by an older Drom lacks the fields
  /// added since, which read as their defaults here instead of failing the whole page.
  public init(from decoder: any Decoder) throws {
    let values = try decoder.container(keyedBy: CodingKeys.self)
    func value<T: Decodable>(_ key: CodingKeys, or fallback: T) throws -> T {
      try values.decodeIfPresent(T.self, forKey: key) ?? fallback
    }
    self.init(
      id: try values.decode(String.self, forKey: .id),
      kind: try values.decode(EntryKind.self, forKey: .kind),
      title: try values.decode(String.self, forKey: .title), line: try value(.line, or: 0))
    idIsDerived = try value(.idIsDerived, or: false)
    language = try values.decodeIfPresent(LanguageTag.self, forKey: .language)
    titleIsDerived = try value(.titleIsDerived, or: false)
    summary = try values.decodeIfPresent(String.self, forKey: .summary)
    content = try values.decodeIfPresent(RichText.self, forKey: .content)
    links = try value(.links, or: [])
    published = try values.decodeIfPresent(Date.self, forKey: .published)
    updated = try values.decodeIfPresent(Date.self, forKey: .updated)
    dateIsFromFeed = try value(.dateIsFromFeed, or: false)
    authors = try value(.authors, or: [])
    contributors = try value(.contributors, or: [])
    image = try values.decodeIfPresent(String.self, forKey: .image)
    categories = try value(.categories, or: [])
    concepts = try value(.concepts, or: [])
    tags = try value(.tags, or: [])
    audiences = try value(.audiences, or: [])
    places = try value(.places, or: [])
    resourceLanguages = try value(.resourceLanguages, or: [])
    identifiers = try value(.identifiers, or: [])
    license = try values.decodeIfPresent(String.self, forKey: .license)
    rights = try values.decodeIfPresent(String.self, forKey: .rights)
    source = try values.decodeIfPresent(String.self, forKey: .source)
    isPartOf = try values.decodeIfPresent(String.self, forKey: .isPartOf)
    translationOf = try values.decodeIfPresent(String.self, forKey: .translationOf)
    temporal = try values.decodeIfPresent(Period.self, forKey: .temporal)
    contacts = try value(.contacts, or: [])
    legal = try values.decodeIfPresent(LegalInfo.self, forKey: .legal)
    outcomes = try value(.outcomes, or: [])
    evidence = try value(.evidence, or: [])
    funding = try value(.funding, or: [])
  }
}

/// An RFC 6721 tombstone: the partner deleted this entry.
public struct DeletedEntry: Codable, Hashable, Sendable {
  public var ref: String
  public var when: Date?

  public init(ref: String, when: Date? = nil) {
    self.ref = ref
    self.when = when
  }
}
