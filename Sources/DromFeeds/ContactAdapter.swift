import DromModel
import Foundation

/// Turns an xCard into a `Contact`, publishing a person only with valid recorded consent.
enum ContactAdapter {
  static func contact(_ card: XCard, label: EntryLabel, context: AdapterContext) -> Contact? {
    let kind = self.kind(of: card)
    var contact = Contact(
      kind: kind, formattedName: card.formattedName, organisation: card.organisation,
      role: card.role, emails: card.emails.map(stripScheme), phones: card.telephones,
      urls: card.urls, languages: card.languages.compactMap(LanguageTag.init),
      address: card.address?.nilIfEmpty)
    guard contact.isPersonal else { return contact }
    // Never by name: a card refused here is of someone who did not consent, and diagnostics are
    // published on the partners' page. Its line says which card it is.
    guard card.hasConsent, let consent = consent(card) else {
      context.diagnostics.error(
        "contact.no-consent", at: card.node,
        "\(label): the contact card of a person (kind individual) is personal data without recorded consent, so it was not published: add <drom:consent recorded=\"2026-03-01\" expires=\"2027-03-01\"/> inside the <vcard>, or give a role mailbox (kind org) instead"
      )
      return nil
    }
    guard consent.isValid(at: context.options.now) else {
      context.diagnostics.warning(
        "contact.consent-expired", at: card.node,
        "\(label): the consent of a person (kind individual card) is not valid now (recorded \(day(consent.recorded)), expires \(day(consent.expires))), so the card was not published: renew the consent and update drom:consent"
      )
      return nil
    }
    contact.consent = consent
    return contact
  }

  /// RFC 6350 makes `individual` the default kind; a card with an organisation but no name is
  /// read as the organisation's, which is what partners mean by it.
  private static func kind(of card: XCard) -> Contact.Kind {
    if let raw = card.kind, let kind = Contact.Kind(rawValue: raw) { return kind }
    if card.formattedName == nil, card.organisation != nil { return .org }
    return .individual
  }

  private static func consent(_ card: XCard) -> Consent? {
    guard let recorded = card.consentRecorded.flatMap({ FeedDates.rfc3339($0)?.date }),
      let expires = card.consentExpires.flatMap({ FeedDates.rfc3339($0)?.date })
    else { return nil }
    return Consent(recorded: recorded, expires: expires)
  }

  private static func stripScheme(_ email: String) -> String {
    email.lowercased().hasPrefix("mailto:") ? String(email.dropFirst(7)) : email
  }

  private static func day(_ date: Date) -> String {
    String(ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withFullDate]))
  }
}
