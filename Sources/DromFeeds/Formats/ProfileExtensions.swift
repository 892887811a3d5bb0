/// The Drom profile's extension elements, read the same way inside an Atom entry or an RSS
/// item: DCTERMS, xCard (RFC 6351) and the project's own namespace. Raw values only.

/// `dcterms:spatial` with the profile's attributes.
struct RawSpatial {
  var node: XMLNode
  var name: String?
  var country: String?
  var nuts: String?
  var lau: String?
  var lauYear: String?
  var localCode: String?

  init(_ node: XMLNode) {
    self.node = node
    name = node.trimmedText
    country = node.attribute("country", namespace: NS.drom)
    nuts = node.attribute("nuts", namespace: NS.drom)
    lau = node.attribute("lau", namespace: NS.drom)
    lauYear = node.attribute("lau-year", namespace: NS.drom)
    localCode = node.attribute("local-code", namespace: NS.drom)
  }
}

/// The DCTERMS elements of one entry.
struct DCTermsElements {
  var types: [String]
  var audiences: [String]
  var spatial: [RawSpatial]
  var languages: [XMLNode]
  var identifiers: [String]
  var license: String?
  var rights: String?
  var source: String?
  var isPartOf: String?
  var isVersionOf: String?
  var temporal: XMLNode?

  init(_ node: XMLNode) {
    types = node.all(NS.dcterms, "type").compactMap(\.trimmedText)
    audiences = node.all(NS.dcterms, "audience").compactMap(\.trimmedText)
    spatial = node.all(NS.dcterms, "spatial").map(RawSpatial.init)
    languages = node.all(NS.dcterms, "language")
    identifiers = node.all(NS.dcterms, "identifier").compactMap(\.trimmedText)
    license = node.text(NS.dcterms, "license")
    rights = node.text(NS.dcterms, "rights")
    source = node.text(NS.dcterms, "source")
    isPartOf = node.text(NS.dcterms, "isPartOf")
    isVersionOf = node.text(NS.dcterms, "isVersionOf")
    temporal = node.first(NS.dcterms, "temporal")
  }
}

/// One xCard `vcard` (RFC 6351 §4): each property's value sits in a typed child element.
struct XCard {
  var node: XMLNode
  var kind: String?
  var formattedName: String?
  var organisation: String?
  var role: String?
  var emails: [String]
  var telephones: [String]
  var urls: [String]
  var languages: [String]
  var address: String?
  var consentRecorded: String?
  var consentExpires: String?
  var hasConsent: Bool

  init(_ node: XMLNode) {
    self.node = node
    func values(_ property: String) -> [String] {
      node.all(NS.vcard, property).compactMap { property in
        property.elements.first { $0.name.namespace == NS.vcard && $0.name.local != "parameters" }?
          .trimmedText
      }
    }
    kind = values("kind").first?.lowercased()
    formattedName = values("fn").first
    organisation = values("org").first
    role = values("role").first ?? values("title").first
    emails = values("email")
    telephones = values("tel")
    urls = values("url")
    languages = values("lang")
    address = node.first(NS.vcard, "adr").map { adr in
      ["street", "locality", "region", "code", "country"].compactMap {
        adr.first(NS.vcard, $0)?.trimmedText
      }.joined(separator: ", ")
    }
    let consent = node.first(NS.drom, "consent")
    hasConsent = consent != nil
    consentRecorded = consent?.attribute("recorded")
    consentExpires = consent?.attribute("expires")
  }

  /// Cards inside an entry: in a `vcards` wrapper or bare.
  static func all(in entry: XMLNode) -> [XCard] {
    entry.all(NS.vcard, "vcard").map(XCard.init)
      + entry.all(NS.vcard, "vcards").flatMap { $0.all(NS.vcard, "vcard").map(XCard.init) }
  }
}

/// The project's own elements: only what no standard covers.
struct DromElements {
  var outcomes: [String]
  var evidence: [String]
  var funding: [String]
  var jurisdiction: XMLNode?

  init(_ node: XMLNode) {
    outcomes = node.all(NS.drom, "outcome").compactMap(\.trimmedText)
    evidence = node.all(NS.drom, "evidence").compactMap { evidence in
      let text = evidence.trimmedText
      let href = evidence.attribute("href")
      switch (text, href) {
      case (let text?, let href?): return "\(text) (\(href))"
      case (let text?, nil): return text
      case (nil, let href?): return href
      case (nil, nil): return nil
      }
    }
    funding = node.all(NS.drom, "funding").compactMap(\.trimmedText)
    jurisdiction = node.first(NS.drom, "jurisdiction")
  }
}
