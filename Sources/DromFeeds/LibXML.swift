import CLibXML2
import Foundation
import Synchronization

/// Process-wide libxml2 set-up, done once before the first parse.
enum LibXML {
  /// Initialises the parser and removes libxml2's ability to load anything by itself: no DTD,
  /// no external entity, no XInclude ever reaches the file system or the network.
  static let ready: Void = {
    xmlInitParser()
    xmlSetExternalEntityLoader { _, _, _ in nil }
  }()

  /// HTML named entities (`&nbsp;`, `&eacute;`) that partners' CMSs write into feeds without a
  /// DTD. Each becomes an immutable "predefined" entity, which libxml2 inlines as text without
  /// parsing or expanding anything, so one cached copy is safely shared by every parse.
  private static let htmlEntities = Mutex<[String: Int]>([:])

  static func htmlEntity(named name: String) -> xmlEntityPtr? {
    htmlEntities.withLock { cache in
      if let cached = cache[name] { return xmlEntityPtr(bitPattern: cached) }
      guard let description = htmlEntityLookup(name),
        let scalar = Unicode.Scalar(description.pointee.value)
      else { return nil }
      let entity = xmlNewEntity(
        nil, name, Int32(XML_INTERNAL_PREDEFINED_ENTITY.rawValue), nil, nil, String(scalar))
      guard let entity else { return nil }
      cache[name] = Int(bitPattern: entity)
      return entity
    }
  }
}
