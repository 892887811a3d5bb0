import Crypto
import DromStore
import DromText
import Foundation

/// The address of a listing: the entries of one kind, country, city or theme, a page of them at
/// a time. The live service and the static export use the same addresses, so a link copied
/// from either works in both: `/sv/city/goteborg/`, then `/sv/city/goteborg/2/`.
public enum Listing {
  /// The facets that have listing pages, in the order the home page shows them.
  public static let facets: [Facet] = [.kind, .country, .city, .theme]

  /// A value as a path segment: folded (`Göteborg` → `goteborg`, `Београд` → `beograd`,
  /// `Αθήνα` → `αθηνα`), letters and digits kept, every other run (spaces, slashes, dots) as
  /// one `-`, so a static host maps it to one folder. Links percent-encode what is not ASCII.
  public static func slug(_ value: String) -> String {
    var slug = ""
    var pendingDash = false
    for scalar in Folding.fold(value).unicodeScalars {
      let isWordCharacter = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
      if isWordCharacter {
        if pendingDash && !slug.isEmpty { slug += "-" }
        slug.unicodeScalars.append(scalar)
        pendingDash = false
      } else {
        pendingDash = true
      }
    }
    guard !slug.isEmpty else { return "-" }
    // A folder name has room for 255 bytes; a feed's place name is not bounded. A long one is
    // cut and told apart by a short hash of the whole.
    guard slug.utf8.count > maxSlugBytes else { return slug }
    var cut = Substring(slug)
    while cut.utf8.count > maxSlugBytes - 13 { cut = cut.dropLast() }
    return cut + "-" + Hex.lowercase(SHA256.hash(data: Data(slug.utf8)).prefix(6))
  }

  static let maxSlugBytes = 100

  public static func path(_ facet: Facet, _ value: String, language: String, page: Int = 1)
    -> String
  {
    "/\(language)" + path(facet, value, page: page)
  }

  /// The address within a language: `/city/goteborg/`.
  public static func path(_ facet: Facet, _ value: String, page: Int = 1) -> String {
    "/\(facet.rawValue)/\(URLQuery.escape(slug(value)))/" + (page > 1 ? "\(page)/" : "")
  }

  /// A city's local diagnosis, beside its listing: the page `/sv/city/goteborg/diagnosis/`, its
  /// downloads `/sv/city/goteborg/diagnosis.md` (`.csv`, `.json`).
  public static func diagnosis(city: String, language: String, format: String? = nil) -> String {
    let listing = path(.city, city, language: language)
    guard let format else { return listing + "diagnosis/" }
    return listing + "diagnosis.\(format)"
  }

  /// The formats a diagnosis is offered in beside its page, in this order.
  public static let diagnosisDownloads = ["md", "csv", "json"]

  /// The static export's search folder, which lists every entry, page by page, for readers
  /// without JavaScript: `/sv/search/`, `/sv/search/2/`.
  public static func everything(language: String, page: Int = 1) -> String {
    "/\(language)/search/" + (page > 1 ? "\(page)/" : "")
  }

  /// The values a path segment stands for: those whose slug it is (two spellings of one city
  /// share a listing), or the segment itself, as older links spelt the value out.
  public static func values(for segment: String, among counts: [FacetCount]) -> [String] {
    let matching = counts.map(\.value).filter { slug($0) == segment }
    return matching.isEmpty ? [segment] : matching
  }
}
