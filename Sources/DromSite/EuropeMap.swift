import DromStore
import DromVocabulary
import Foundation

/// The home page's map: Europe's land (`Site/templates/europe-land.mustache`, drawn once by
/// `scripts/make-map-data` from Natural Earth) and a dot per partner city, sized by its entries.
/// No tiles, no script: an inline SVG whose dots link to the city listings.
enum EuropeMap {
  /// Lambert azimuthal equal-area centred on 52° N 10° E (EPSG:3035's projection, on a sphere),
  /// scaled into the viewBox: the numbers the land file was drawn with (its first line says them,
  /// and a test compares).
  static let latitude0 = 52.0
  static let longitude0 = 10.0
  static let xmin = -0.39460260254737545
  static let ymax = 0.3386990076980492
  static let scale = 1206.7595933640744
  static let width = 1000
  static let height = 786

  /// A point's place in the viewBox; nil when it falls outside it.
  static func project(_ point: Gazetteer.Coordinates) -> (x: Double, y: Double)? {
    let phi = point.latitude * .pi / 180
    let lambda = (point.longitude - longitude0) * .pi / 180
    let phi0 = latitude0 * .pi / 180
    let k = (2 / (1 + sin(phi0) * sin(phi) + cos(phi0) * cos(phi) * cos(lambda))).squareRoot()
    let x = (k * cos(phi) * sin(lambda) - xmin) * scale
    let y = (ymax - k * (cos(phi0) * sin(phi) - sin(phi0) * cos(phi) * cos(lambda))) * scale
    guard x.isFinite, y.isFinite, (0...Double(width)).contains(x), (0...Double(height)).contains(y)
    else { return nil }
    return (x, y)
  }

  struct Dot {
    let city: String
    let count: Int
    let x: Double
    let y: Double
  }

  /// The cities that can be placed, largest first (so smaller dots are drawn on top), and the
  /// names of those that cannot (not in the gazetteer, or outside the map).
  static func dots(
    cities: [FacetCount], countries: [String: String], gazetteer: Gazetteer
  ) -> (placed: [Dot], unplaced: [String]) {
    var placed: [Dot] = []
    var unplaced: [String] = []
    for city in cities {
      if let coordinates = gazetteer.coordinates(of: city.value, country: countries[city.value]),
        let point = project(coordinates)
      {
        placed.append(Dot(city: city.value, count: city.count, x: point.x, y: point.y))
      } else {
        unplaced.append(city.value)
      }
    }
    placed.sort { ($0.count, $1.city) > ($1.count, $0.city) }
    return (placed, unplaced)
  }

  /// A dot's radius in viewBox units: its area grows with the entries, from 7 for the fewest.
  static func radius(count: Int, largest: Int) -> Double {
    let share = Double(count) / Double(max(largest, 1))
    return ((7 + 15 * share.squareRoot()) * 10).rounded() / 10
  }
}
