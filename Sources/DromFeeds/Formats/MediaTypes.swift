/// The podcast and media extensions CMSs add to RSS and Atom items, as documents spell them:
/// Apple Podcasts tags (`itunes:`) and Media RSS 1.5.1 (`media:`, also inside `media:group`).
/// The adapter takes what fits Drom's model: an image, enclosures, a summary, an author.
struct MediaExtensions {
  /// `media:content url type medium fileSize`.
  struct MediaContent {
    var url: String
    var type: String?
    var medium: String?
    var fileSize: String?

    var isImage: Bool {
      medium == "image" || type?.hasPrefix("image/") == true
    }
  }

  var thumbnails: [String] = []
  var contents: [MediaContent] = []
  /// `media:description` (text, or HTML with `type="html"`) and its type.
  var description: XMLNode?
  /// `itunes:image href`.
  var podcastImage: String?
  var podcastSummary: String?
  var podcastAuthor: String?

  init() {}

  /// The extensions among an element's children.
  init(_ node: XMLNode) {
    node.forEachElement { child, name in add(child, name: name) }
  }

  var isEmpty: Bool {
    thumbnails.isEmpty && contents.isEmpty && description == nil && podcastImage == nil
      && podcastSummary == nil && podcastAuthor == nil
  }

  /// Reads one child of an item: true when it was one of these extensions.
  @discardableResult
  mutating func add(_ child: XMLNode, name: borrowing QName) -> Bool {
    switch (name.namespace, name.local) {
    case (NS.media, "group"):
      child.forEachElement { grandchild, name in add(grandchild, name: name) }
    case (NS.media, "thumbnail"):
      if let url = child.attribute("url") { thumbnails.append(url) }
    case (NS.media, "content"):
      if let url = child.attribute("url") {
        contents.append(
          MediaContent(
            url: url, type: child.attribute("type"), medium: child.attribute("medium"),
            fileSize: child.attribute("fileSize")))
      }
      // Thumbnails and descriptions may sit inside a media:content.
      child.forEachElement { grandchild, name in add(grandchild, name: name) }
    case (NS.media, "description"):
      description.keepFirst(child)
    case (NS.itunes, "image"):
      if podcastImage == nil { podcastImage = child.attribute("href") }
    case (NS.itunes, "summary"), (NS.itunes, "subtitle"):
      if podcastSummary == nil { podcastSummary = child.trimmedText }
    case (NS.itunes, "author"):
      if podcastAuthor == nil { podcastAuthor = child.trimmedText }
    default:
      return false
    }
    return true
  }

  /// The image that stands for the item: a thumbnail, the podcast image, or an image content.
  var image: String? {
    thumbnails.first ?? podcastImage ?? contents.first(where: \.isImage)?.url
  }
}
