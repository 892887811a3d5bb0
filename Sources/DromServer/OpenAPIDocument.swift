/// The API's OpenAPI 3.1 description, served at `/api/openapi.json`. Kept beside the routes it
/// describes; a test checks every documented path answers as described.
enum OpenAPIDocument {
  static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Drom directory API",
        "version": "1.0.0",
        "description": "Good practices, organisations, contact persons, laws, materials, round-table findings and events against discrimination in the European labour market, harvested from partners' feeds."
      },
      "paths": {
        "/api/search": {
          "get": {
            "summary": "Search the directory",
            "parameters": [
              {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 500}, "description": "Words; every word must match (in any language form), or a concept label in any language."},
              {"name": "kind", "in": "query", "schema": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}}, "style": "form", "explode": true},
              {"name": "theme", "in": "query", "schema": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}}, "style": "form", "explode": true},
              {"name": "audience", "in": "query", "schema": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}}, "style": "form", "explode": true},
              {"name": "country", "in": "query", "schema": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}}, "style": "form", "explode": true},
              {"name": "city", "in": "query", "schema": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}}, "style": "form", "explode": true},
              {"name": "language", "in": "query", "schema": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}}, "style": "form", "explode": true},
              {"name": "category", "in": "query", "schema": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200}}, "style": "form", "explode": true},
              {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["relevance", "newest"]}},
              {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
              {"name": "raw", "in": "query", "schema": {"type": "string", "enum": ["true", "false", "1", "0"]}, "description": "Read q as SQLite FTS5 syntax; a bad pattern is a 400."},
              {"name": "lang", "in": "query", "schema": {"type": "string"}, "description": "The reader's language (BCP 47): words are stemmed in it first."}
            ],
            "responses": {
              "200": {"description": "Results", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResponse"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/search.csv": {
          "get": {
            "summary": "The first page of a search as CSV (RFC 4180)",
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 500}}],
            "responses": {
              "200": {"description": "title, kind, language, source, updated, link, page", "content": {"text/csv": {"schema": {"type": "string"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "429": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/entries/{slug}": {
          "get": {
            "summary": "One entry, as normalised, with its provenance",
            "parameters": [{"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The entry", "content": {"application/json": {"schema": {"type": "object", "required": ["slug", "entry", "source"], "properties": {"slug": {"type": "string"}, "entry": {"type": "object"}, "source": {"type": "object"}, "firstSeen": {"type": "string", "format": "date-time"}, "lastChanged": {"type": "string", "format": "date-time"}, "alsoPublishedBy": {"type": "array", "items": {"type": "string"}}}}}}},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/api/sources": {
          "get": {
            "summary": "Every partner source and its health",
            "responses": {"200": {"description": "Sources", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "required": ["key", "title", "entries", "failures", "status"], "properties": {"key": {"type": "string"}, "status": {"type": "string", "enum": ["new", "ok", "failing"]}, "title": {"type": "string"}, "city": {"type": "string"}, "country": {"type": "string"}, "entries": {"type": "integer"}, "failures": {"type": "integer"}, "lastSuccessAt": {"type": "string", "format": "date-time"}, "lastAttemptAt": {"type": "string", "format": "date-time"}}}}}}}}
          }
        },
        "/api/vocabularies": {
          "get": {
            "summary": "The SKOS concepts, by scheme",
            "responses": {"200": {"description": "Concepts by scheme URI", "content": {"application/json": {"schema": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object", "required": ["uri", "term", "labels"], "properties": {"uri": {"type": "string"}, "term": {"type": "string"}, "labels": {"type": "object", "additionalProperties": {"type": "string"}}, "broader": {"type": "array", "items": {"type": "string"}}, "exactMatch": {"type": "array", "items": {"type": "string"}}}}}}}}}}
          }
        },
        "/healthz": {
          "get": {
            "summary": "Liveness, and the index's size and age",
            "responses": {"200": {"description": "Healthy", "content": {"application/json": {"schema": {"type": "object", "required": ["status", "entries", "sources"], "properties": {"status": {"type": "string"}, "entries": {"type": "integer"}, "sources": {"type": "integer"}, "lastHarvest": {"type": "string", "format": "date-time"}}}}}}}
          }
        }
      },
      "components": {
        "responses": {
          "Error": {"description": "The one error shape of the API", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["status", "code", "message"], "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"}}}}},
          "SearchResponse": {"type": "object", "required": ["total", "page", "pageSize", "hits", "facets"], "properties": {
            "total": {"type": "integer"}, "page": {"type": "integer"}, "pageSize": {"type": "integer"},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object", "required": ["value", "count"], "properties": {"value": {"type": "string"}, "count": {"type": "integer"}}}}}
          }},
          "Hit": {"type": "object", "required": ["sourceKey", "sourceTitle", "entryID", "kind", "title", "snippet", "slug", "alsoPublishedBy"], "properties": {
            "sourceKey": {"type": "string"}, "sourceTitle": {"type": "string"}, "entryID": {"type": "string"},
            "kind": {"type": "string"}, "language": {"type": "string"}, "title": {"type": "string"},
            "snippet": {"type": "string"}, "link": {"type": "string"}, "updated": {"type": "string", "format": "date-time"},
            "slug": {"type": "string"}, "alsoPublishedBy": {"type": "array", "items": {"type": "string"}}
          }}
        }
      }
    }
    """#
}
