import DromFeeds
import DromModel

/// Reads a registry file for callers that only need its sources (tests, tools).
public enum OPMLRegistryLoader {
  public static func sources(_ path: String) throws -> [SourceDescription] {
    try OPMLRegistry.read(path: path).sources
  }
}
