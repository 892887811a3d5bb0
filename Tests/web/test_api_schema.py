"""The JSON API against its own description (/api/openapi.json), with schemathesis: for every
operation, generated requests (valid and invalid) never get a 5xx, and every response has a
documented status, the documented content type and a body that fits the documented schema."""

from __future__ import annotations

import csv
import io
import json
import urllib.request

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 50


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="session")
def api_schema(server):
    config = schemathesis.Config.from_dict({"base-url": server})
    return schemathesis.openapi.from_url(f"{server}/api/openapi.json", config=config, timeout=10)


@pytest.fixture(scope="session")
def http():
    with requests.Session() as session:
        yield session


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_operation_conforms(case, http):
    case.call_and_validate(session=http, checks=CHECKS, timeout=10)


def test_openapi_document_is_valid(server):
    """The description itself: OpenAPI 3.1 (the meta-schema schemathesis ships), and every
    schema in it a valid JSON Schema 2020-12."""
    import jsonschema_rs
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    document = _get_json(f"{server}/api/openapi.json")
    assert document["openapi"].startswith("3.1")
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in
              jsonschema_rs.Draft202012Validator(OPENAPI_31).iter_errors(document)]
    assert not errors, "not a valid OpenAPI 3.1 document:\n" + "\n".join(errors)

    def schemas(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "schema" and isinstance(value, dict):
                    yield f"{path}/{key}", value
                yield from schemas(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from schemas(value, f"{path}/{index}")

    found = list(schemas(document["paths"], "#/paths")) + [
        (f"#/components/schemas/{name}", value) for name, value in document["components"]["schemas"].items()
    ]
    invalid = [path for path, value in found if not jsonschema_rs.meta.is_valid(value)]
    assert not invalid, f"invalid JSON Schemas: {invalid}"


def test_entries_of_the_index_conform(api_schema, http, server):
    """Generated slugs almost never name an entry, so the 200 answer is checked on real ones."""
    operation = api_schema["/api/entries/{slug}"]["GET"]
    hits = _get_json(f"{server}/api/search?q=Roma")["hits"] + _get_json(f"{server}/api/search?page=2")["hits"]
    slugs = list(dict.fromkeys(hit["slug"] for hit in hits))
    assert slugs, "the index returned no entries"
    for slug in slugs:
        response = operation.Case(path_parameters={"slug": slug}).call_and_validate(
            session=http, checks=CHECKS, timeout=10
        )
        assert response.status_code == 200, (slug, response.status_code)
        assert response.json()["slug"] == slug


def test_search_csv(server):
    """/api/search.csv is not in the OpenAPI document; checked here by hand."""
    response = requests.get(f"{server}/api/search.csv", params={"q": "Roma", "kind": "practice"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["title", "kind", "language", "source", "updated", "link", "page"]
    assert len(rows) > 1 and all(len(row) == 7 for row in rows)
    bad = requests.get(f"{server}/api/search.csv", params={"page": "0"}, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["status"] == 400
