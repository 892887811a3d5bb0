import Foundation

/// A contact card read from an xCard (RFC 6351) inside an entry.
///
/// A card of kind `individual` is personal data: it is kept only while its recorded consent is
/// valid (see `Consent`). Role mailboxes and organisations need no consent.
public struct Contact: Codable, Hashable, Sendable {
  public enum Kind: String, Codable, Sendable {
    case individual, org, group, location
  }

  public var kind: Kind
  public var formattedName: String?
  public var organisation: String?
  public var role: String?
  public var emails: [String]
  public var phones: [String]
  public var urls: [String]
  public var languages: [LanguageTag]
  public var address: String?
  public var consent: Consent?

  public init(
    kind: Kind, formattedName: String? = nil, organisation: String? = nil, role: String? = nil,
    emails: [String] = [], phones: [String] = [], urls: [String] = [],
    languages: [LanguageTag] = [], address: String? = nil, consent: Consent? = nil
  ) {
    self.kind = kind
    self.formattedName = formattedName
    self.organisation = organisation
    self.role = role
    self.emails = emails
    self.phones = phones
    self.urls = urls
    self.languages = languages
    self.address = address
    self.consent = consent
  }

  /// Whether this card names a natural person and so needs consent to be published.
  public var isPersonal: Bool { kind == .individual }
}

/// A person's recorded consent to be published, with the date it stops holding.
public struct Consent: Codable, Hashable, Sendable {
  public var recorded: Date
  public var expires: Date

  public init(recorded: Date, expires: Date) {
    self.recorded = recorded
    self.expires = expires
  }

  public func isValid(at now: Date) -> Bool { recorded <= now && now < expires }
}
