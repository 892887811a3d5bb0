import DromText
import Foundation
import Synchronization

/// Where towns and cities are, by name and country: what puts the partner cities on the home
/// page's map. Read on first use from `places.tsv` (European places of 5 000 people or more, from
/// GeoNames, made by `scripts/make-map-data`) and the operator's own `places-local.tsv` (the same
/// columns, for a smaller place or to move one), both beside the vocabularies.
public final class Gazetteer: Sendable {
  public struct Coordinates: Sendable, Equatable {
    public let latitude: Double
    public let longitude: Double

    public init(latitude: Double, longitude: Double) {
      self.latitude = latitude
      self.longitude = longitude
    }
  }

  struct Place {
    let country: String
    let coordinates: Coordinates
    let population: Int
    /// Matched by its first name (not one of its other names), or listed by the operator.
    let preferred: Bool
  }

  /// The files, the operator's first: a place listed there wins over the generated one.
  private let files: [String]
  /// Folded name → the places of that name; nil until first used.
  private let table = Mutex<[String: [Place]]?>(nil)

  public static let empty = Gazetteer(files: [])

  public init(files: [String]) {
    self.files = files
  }

  /// The gazetteer of a vocabulary folder: `places-local.tsv`, then `places.tsv`.
  public convenience init(directory: String) {
    self.init(files: ["places-local.tsv", "places.tsv"].map { directory + "/" + $0 })
  }

  /// A place's coordinates. The name may give several languages' names split by `/`
  /// (`Bruxelles / Brussel`); each is tried. The country (ISO 3166 alpha-2; `EL` is read as
  /// `GR`) must match when given. Among places of the same name: the operator's, then one whose
  /// own name it is, then the most populous.
  public func coordinates(of name: String, country: String?) -> Coordinates? {
    let country = country.map { $0.uppercased() == "EL" ? "GR" : $0.uppercased() }
    let names = [name] + name.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
    let found = table.withLock { table -> [Place] in
      if table == nil { table = Self.read(files) }
      return names.flatMap { table?[Folding.fold($0)] ?? [] }
    }
    return
      found
      .filter { country == nil || $0.country == country }
      .max { ($0.preferred ? 1 : 0, $0.population) < ($1.preferred ? 1 : 0, $1.population) }?
      .coordinates
  }

  /// Lines of `country<TAB>latitude<TAB>longitude<TAB>population<TAB>name|other name|…`; `#`
  /// starts a comment. A missing file is no gazetteer; a malformed line is skipped.
  static func read(_ files: [String]) -> [String: [Place]] {
    var table: [String: [Place]] = [:]
    for (index, file) in files.enumerated() {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
      let operators = index == 0 && files.count > 1
      for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 5, let latitude = Double(fields[1]),
          let longitude = Double(fields[2])
        else { continue }
        let coordinates = Coordinates(latitude: latitude, longitude: longitude)
        let country = fields[0].trimmingCharacters(in: .whitespaces).uppercased()
        let population = Int(fields[3]) ?? 0
        for (position, name) in fields[4].split(separator: "|").enumerated() {
          table[Folding.fold(name.trimmingCharacters(in: .whitespaces)), default: []].append(
            Place(
              country: country, coordinates: coordinates, population: population,
              preferred: operators || position == 0))
        }
      }
    }
    return table
  }
}
