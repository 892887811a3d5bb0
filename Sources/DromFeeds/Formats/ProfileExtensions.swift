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
    var types: [String] = []
    var audiences: [String] = []
    var spatial: [RawSpatial] = []
    var languages: [XMLNode] = []
    var identifiers: [String] = []
    var license: XMLNode?
    var rights: XMLNode?
    var source: XMLNode?
    var isPartOf: XMLNode?
    var isVersionOf: XMLNode?
    var temporal: XMLNode?
    // One pass over the entry's children; the first of each single element counts.
    node.forEachElement { child, name in
      guard name.namespace == NS.dcterms else { return }
      switch name.local {
      case "type": if let text = child.trimmedText { types.append(text) }
      case "audience": if let text = child.trimmedText { audiences.append(text) }
      case "spatial": spatial.append(RawSpatial(child))
      case "language": languages.append(child)
      case "identifier": if let text = child.trimmedText { identifiers.append(text) }
      case "license": license.keepFirst(child)
      case "rights": rights.keepFirst(child)
      case "source": source.keepFirst(child)
      case "isPartOf": isPartOf.keepFirst(child)
      case "isVersionOf": isVersionOf.keepFirst(child)
      case "temporal": temporal.keepFirst(child)
      default: break
      }
    }
    self.types = types
    self.audiences = audiences
    self.spatial = spatial
    self.languages = languages
    self.identifiers = identifiers
    self.license = license?.trimmedText
    self.rights = rights?.trimmedText
    self.source = source?.trimmedText
    self.isPartOf = isPartOf?.trimmedText
    self.isVersionOf = isVersionOf?.trimmedText
    self.temporal = temporal
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
    var outcomes: [String] = []
    var evidence: [String] = []
    var funding: [String] = []
    var jurisdiction: XMLNode?
    node.forEachElement { child, name in
      guard name.namespace == NS.drom else { return }
      switch name.local {
      case "outcome": if let text = child.trimmedText { outcomes.append(text) }
      case "evidence": if let text = Self.evidence(child) { evidence.append(text) }
      case "funding": if let text = child.trimmedText { funding.append(text) }
      case "jurisdiction": jurisdiction.keepFirst(child)
      default: break
      }
    }
    self.outcomes = outcomes
    self.evidence = evidence
    self.funding = funding
    self.jurisdiction = jurisdiction
  }

  /// "text (href)", or whichever of the two is there.
  private static func evidence(_ node: XMLNode) -> String? {
    let text = node.trimmedText
    let href = node.attribute("href")
    switch (text, href) {
    case (let text?, let href?): return "\(text) (\(href))"
    case (let text?, nil): return text
    case (nil, let href?): return href
    case (nil, nil): return nil
    }
  }
}
