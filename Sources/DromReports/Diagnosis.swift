import DromModel
import DromStore
import Foundation

/// A city's local diagnosis, as round-table facilitators take it to the table: what was found
/// there (and in its region and country), what the city already does, the legal frame, and the
/// gaps between the two with who does something about them elsewhere. Every format (HTML, PDF,
/// Markdown, CSV, JSON) is written from this one value.
public struct Diagnosis: Codable, Sendable {
  public struct Place: Codable, Sendable {
    public var name: String
    public var country: String?
    /// The most precise NUTS code known for the city (its region's code starts it).
    public var nuts: String?
    public var lau: String?
  }

  /// A vocabulary concept in the reader's language.
  public struct Concept: Codable, Sendable, Hashable {
    public var uri: String
    public var label: String
  }

  public struct Contact: Codable, Sendable {
    public var name: String?
    public var organisation: String?
    public var role: String?
    public var emails: [String]
    public var phones: [String]
    public var languages: [String]
    public var address: String?
  }

  /// One entry as the diagnosis lists it.
  public struct Item: Codable, Sendable {
    public var slug: String
    public var kind: String
    public var title: String
    public var language: String?
    public var summary: String?
    public var cities: [String]
    public var country: String?
    /// The partner that published it.
    public var partner: String
    /// The entry's own page on the partner's site.
    public var link: String?
    public var domains: [Concept]
    public var grounds: [Concept]
    public var themes: [Concept]
    public var targetGroups: [Concept]
    public var evidence: [String]
    public var outcomes: [String]
    /// Contact cards: organisations and role mailboxes, and persons whose consent holds.
    public var contacts: [Contact]
  }

  public enum Scope: String, Codable, Sendable, CaseIterable {
    case city, region, country
  }

  public struct FindingGroup: Codable, Sendable {
    public var scope: Scope
    /// The labour-market domain; nil for findings that name none.
    public var domain: Concept?
    public var findings: [Item]
    /// How many more the group has than a printed document lists (newest are listed).
    public var more = 0
  }

  public struct PracticeGroup: Codable, Sendable {
    /// The theme; nil for practices that name none.
    public var theme: Concept?
    public var practices: [Item]
    public var more = 0
  }

  public struct Law: Codable, Sendable {
    public var level: LegalInfo.Jurisdiction
    public var eli: String?
    public var celex: String?
    public var item: Item
  }

  /// A domain or theme the city's findings name that no local practice addresses.
  public struct Gap: Codable, Sendable {
    public var concept: Concept
    /// `domain` or `theme`.
    public var scheme: String
    public var findings: Int
    /// Practices in other cities on the same concepts (any language), best first.
    public var elsewhere: [Item]
  }

  public struct Bar: Codable, Sendable {
    public var domain: Concept
    public var findings: Int
    public var practices: Int
  }

  public struct Source: Codable, Sendable {
    public var partner: String
    public var feed: String
    public var site: String?
    /// The day (midnight UTC) the partner's feed was last read: a document for people dates
    /// its sources by the day, and stays the same through the day's further harvests.
    public var lastHarvest: Date?
    /// What the partner's entries say about reuse: licences (URIs) and rights statements.
    public var licences: [String]
    public var rights: [String]
  }

  public var city: Place
  /// The interface language the labels are in.
  public var language: String
  public var generated: Date
  public var findings: [FindingGroup]
  public var practices: [PracticeGroup]
  public var organisations: [Item]
  public var people: [Item]
  public var legalFrame: [Law]
  public var gaps: [Gap]
  public var chart: [Bar]
  public var sources: [Source]
  /// Sections longer than a document lists, and how many of their entries are left out
  /// (`organisations`, `people`, `legalFrame`): the city's listing has them all.
  public var more: [String: Int] = [:]

  /// The most entries one group or section lists: a document to print, not the whole index.
  public static let listed = 25

  public func findings(in scope: Scope) -> [FindingGroup] { findings.filter { $0.scope == scope } }
}
