/// JSON Feed 1.1 (https://jsonfeed.org/version/1.1) and 1.0, as documents spell them: each
/// member is kept as the JSON value it is, typed by the adapter (`JSONFeedAdapter`), which
/// says where a value has the wrong type. Names are the specification's.

/// §"Top-level": the feed object.
struct JSONFeedObject {
  static let version10 = "https://jsonfeed.org/version/1"
  static let version11 = "https://jsonfeed.org/version/1.1"

  var node: JSONNode
  var version: JSONNode?
  var title: JSONNode?
  var homePageURL: JSONNode?
  var feedURL: JSONNode?
  var description: JSONNode?
  var nextURL: JSONNode?
  var icon: JSONNode?
  var favicon: JSONNode?
  /// 1.0's single `author`, deprecated by 1.1's `authors`.
  var author: JSONNode?
  var authors: JSONNode?
  var language: JSONNode?
  var items: JSONNode?

  init(_ node: JSONNode) {
    self.node = node
    version = node["version"]
    title = node["title"]
    homePageURL = node["home_page_url"]
    feedURL = node["feed_url"]
    description = node["description"]
    nextURL = node["next_url"]
    icon = node["icon"]
    favicon = node["favicon"]
    author = node["author"]
    authors = node["authors"]
    language = node["language"]
    items = node["items"]
  }
}

/// §"Items": one entry.
struct JSONFeedItem {
  var node: JSONNode
  /// A string; 1.0 asks readers to take a number as its string.
  var id: JSONNode?
  var url: JSONNode?
  var externalURL: JSONNode?
  var title: JSONNode?
  var contentHTML: JSONNode?
  var contentText: JSONNode?
  var summary: JSONNode?
  var image: JSONNode?
  var bannerImage: JSONNode?
  var datePublished: JSONNode?
  var dateModified: JSONNode?
  var author: JSONNode?
  var authors: JSONNode?
  var tags: JSONNode?
  var language: JSONNode?
  var attachments: JSONNode?

  init(_ node: JSONNode) {
    self.node = node
    id = node["id"]
    url = node["url"]
    externalURL = node["external_url"]
    title = node["title"]
    contentHTML = node["content_html"]
    contentText = node["content_text"]
    summary = node["summary"]
    image = node["image"]
    bannerImage = node["banner_image"]
    datePublished = node["date_published"]
    dateModified = node["date_modified"]
    author = node["author"]
    authors = node["authors"]
    tags = node["tags"]
    language = node["language"]
    attachments = node["attachments"]
  }
}

/// §"Attachments": `url`, `mime_type`, `title`, `size_in_bytes`, `duration_in_seconds`.
struct JSONFeedAttachment {
  var node: JSONNode
  var url: JSONNode?
  var mimeType: JSONNode?
  var title: JSONNode?
  var sizeInBytes: JSONNode?

  init(_ node: JSONNode) {
    self.node = node
    url = node["url"]
    mimeType = node["mime_type"]
    title = node["title"]
    sizeInBytes = node["size_in_bytes"]
  }
}
