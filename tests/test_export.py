"""export openapi / asyncapi: valid documents whose schemas accept real deliveries, and a
receiver document that Schemathesis can fuzz (signatures added in a hook)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import conftest
import pytest
import schemathesis
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis.core.failures import ServerError

from conformance import Webhook, load_catalog
from conformance._export._documents import asyncapi_document, openapi_document
from conformance._fuzzing._target import load_object
from conformance.strategies import deliveries

sys.path.insert(0, str(ROOT / "tests" / "receivers"))
from _serve import serve_wsgi

EXAMPLE = ROOT / "examples" / "receiver.py"
PATH = "/webhooks/casedev"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return conftest.cli("export", *args)


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in all_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in all_refs(v)]
    return []


def schema_validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    """A validator for components.schemas[name], resolving refs within the document."""
    registry: Registry[Any] = Registry().with_resource(
        "urn:doc", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator({"$ref": f"urn:doc#/components/schemas/{name}"}, registry=registry)


@pytest.fixture(scope="module")
def catalog() -> Any:
    return load_catalog()


def test_openapi_webhooks_document_is_valid_with_one_entry_per_event(catalog: Any) -> None:
    out = cli("openapi")
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert list(document["webhooks"]) == list(catalog.order)
    assert "paths" not in document
    operation = document["webhooks"]["vault.ingest.completed"]["post"]
    assert operation["x-stability"] == "stable"
    headers = {resolve(document, p["$ref"])["name"] for p in operation["parameters"]}
    assert headers == {"case-webhook-id", "case-webhook-timestamp", "case-webhook-signature"}
    for ref in all_refs(document):
        resolve(document, ref)


def test_openapi_receiver_document_describes_the_path_and_headers(tmp_path: Any) -> None:
    target = tmp_path / "receiver.json"
    out = cli(
        "openapi",
        "--receiver-path",
        PATH,
        "-e",
        "vault.*",
        "--header-prefix",
        "webhook",
        "-o",
        str(target),
    )
    assert out.returncode == 0, out.stderr
    document = json.loads(target.read_text())
    validate(document)
    assert "webhooks" not in document
    operation = document["paths"][PATH]["post"]
    names = {resolve(document, p["$ref"])["name"] for p in operation["parameters"]}
    assert names == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    choices = operation["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert len(choices) == len(load_catalog().select("vault.*"))
    assert set(operation["responses"]) == {"2XX", "4XX"}


@given(deliveries("*", contract=False))
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_exported_delivery_schemas_accept_generated_deliveries(delivery: dict[str, Any]) -> None:
    document = _DOCS["openapi"]
    schema_validator(document, f"{delivery['type']}.delivery").validate(delivery)
    asyncapi = _DOCS["asyncapi"]
    schema_validator(asyncapi, f"{delivery['type']}.delivery").validate(delivery)


def test_delivery_schemas_reject_a_wrong_type_or_payload(catalog: Any) -> None:
    document = _DOCS["openapi"]
    validator = schema_validator(document, "vault.ingest.completed.delivery")
    good = {
        "id": "evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B",
        "type": "vault.ingest.completed",
        "occurred_at": "2026-04-24T15:12:09.481Z",
        "data": {"vaultId": "v", "objectId": "o", "durationMs": 1},
    }
    validator.validate(good)
    assert not validator.is_valid({**good, "type": "vault.ingest.failed"})
    assert not validator.is_valid({**good, "data": {"vaultId": "v"}})


_DOCS: dict[str, dict[str, Any]] = {
    "openapi": openapi_document(load_catalog()),
    "asyncapi": asyncapi_document(load_catalog(), receiver_path=PATH),
}


def test_asyncapi_document_is_consistent(catalog: Any) -> None:
    out = cli("asyncapi", "--receiver-path", PATH)
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    assert document["asyncapi"] == "3.0.0"
    for ref in all_refs(document):
        resolve(document, ref)
    channel = document["channels"]["receiver"]
    assert channel["address"] == PATH
    assert list(channel["messages"]) == list(catalog.order)
    operation = document["operations"]["sendDelivery"]
    assert operation["action"] == "send"
    assert len(operation["messages"]) == len(catalog)
    for name, schema in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema), name
    headers = resolve(
        document, document["components"]["messages"]["ocr.job.failed"]["headers"]["$ref"]
    )
    assert set(headers["required"]) == {
        "case-webhook-id",
        "case-webhook-timestamp",
        "case-webhook-signature",
    }


@pytest.mark.parametrize(
    "args", [["openapi", "--receiver-path", "webhooks"], ["asyncapi", "-e", "no.such.*"], ["yaml"]]
)
def test_export_usage_errors_exit_2(args: list[str]) -> None:
    out = cli(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


# -- Schemathesis fuzzes a receiver from the exported document -------------------------------


def schemathesis_run(app: Any, secret: str) -> list[int]:
    """Fuzz ``app`` served on loopback with Schemathesis, signing each request in a hook."""
    document = openapi_document(load_catalog().select("vault.ingest.*"), receiver_path=PATH)
    schema = schemathesis.openapi.from_dict(document)
    operation = schema[PATH]["POST"]
    webhook = Webhook(secret)
    statuses: list[int] = []

    def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        # Sign the exact bytes that will be sent: serialize here and send them as data.
        body = json.dumps(case.body, separators=(",", ":")).encode()
        case.headers = {
            **(case.headers or {}),
            **webhook.headers(f"msg_{len(statuses)}", int(time.time()), body),
        }
        case.headers["Content-Type"] = "application/json"
        kwargs["data"] = body

    schemathesis.hook(before_call)
    try:
        with serve_wsgi(app, PATH) as url:
            parts = urlsplit(url)
            base = f"{parts.scheme}://{parts.netloc}"

            @given(operation.as_strategy())
            @settings(
                max_examples=15,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: Any) -> None:
                response = case.call(base_url=base)
                statuses.append(response.status_code)
                case.validate_response(response)
                assert 200 <= response.status_code < 300, response.text

            fuzz()
    finally:
        schemathesis.hooks.unregister(before_call)
    return statuses


def test_schemathesis_fuzzes_the_example_receiver_from_the_exported_document() -> None:
    app = load_object(f"{EXAMPLE}:app")
    statuses = schemathesis_run(app, load_object(f"{EXAMPLE}:SECRET"))
    assert len(statuses) >= 10
    assert set(statuses) == {200}


def test_schemathesis_catches_a_receiver_that_answers_500() -> None:
    broken = load_object(f"{ROOT / 'tests' / 'receivers' / 'unknown_type_500.py'}:app")
    secret = load_object(f"{ROOT / 'tests' / 'receivers' / '_base.py'}:SECRET")
    with pytest.raises(BaseExceptionGroup) as info:
        schemathesis_run(broken, secret)
    assert info.group_contains(ServerError)
