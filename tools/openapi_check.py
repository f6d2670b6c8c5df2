#!/usr/bin/env python3
"""schemas/openapi.yaml helpers for OpenAPIDocumentTests (and people).

  openapi_check.py json DOC            the document as JSON on stdout (PyYAML)
  openapi_check.py validate DOC        openapi-spec-validator, plus every external $ref
                                       must name an existing file and JSON pointer
  openapi_check.py responses DOC CASES check response bodies against the document:
                                       CASES is a JSON file [{"name", "pointer", "body"}],
                                       `pointer` the JSON pointer of a response object
                                       followed by /content/<media type>/schema

Exit status 0 when all is well, 1 when the document or a body is wrong, 3 when a
package is missing (the message says what to install). Output never shows a body's
values, only where a body and the schema disagree.
"""
import json
import pathlib
import sys

BASE = "https://careledger.example/schemas/openapi.yaml"


def missing(package, pip_name):
    print(f"python3 cannot import {package}: install it with `pip3 install '{pip_name}'` "
          f"(see .ci/run)", file=sys.stderr)
    sys.exit(3)


def load(path):
    try:
        import yaml
    except ImportError:
        missing("yaml", "PyYAML")
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def follow(document, pointer):
    node = document
    for token in pointer.lstrip("/").split("/") if pointer not in ("", "/") else []:
        token = unescape(token)
        if isinstance(node, list):
            node = node[int(token)]
        else:
            node = node[token]
    return node


def external_refs(node, at=""):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            yield at, ref
        for key, value in node.items():
            yield from external_refs(value, f"{at}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from external_refs(value, f"{at}/{i}")


def validate(path):
    document = load(path)
    try:
        from openapi_spec_validator import validate as validate_spec
    except ImportError:
        missing("openapi_spec_validator", "openapi-spec-validator>=0.7")
    doc_path = pathlib.Path(path).resolve()
    try:
        validate_spec(document, base_uri=doc_path.as_uri())
    except Exception as error:  # the validator's errors carry no request data
        print(f"openapi-spec-validator: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    # The validator does not follow external references; check that each one resolves.
    bad = 0
    for at, ref in external_refs(document):
        file_part, _, fragment = ref.partition("#")
        target = (doc_path.parent / file_part).resolve()
        try:
            with open(target, encoding="utf-8") as f:
                follow(json.load(f), fragment)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
            print(f"{at}: $ref {ref} does not resolve ({type(error).__name__})", file=sys.stderr)
            bad += 1
    return 1 if bad else 0


def responses(path, cases_path):
    document = load(path)
    try:
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
    except ImportError:
        missing("jsonschema", "jsonschema>=4.18")
    resources = [(BASE, Resource(contents=document, specification=DRAFT202012))]
    records = pathlib.Path(path).resolve().parent / "records"
    for file in sorted(records.glob("*.schema.json")):
        with open(file, encoding="utf-8") as f:
            schema = json.load(f)
        resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    bad = 0
    for case in cases:
        validator = Draft202012Validator({"$ref": BASE + "#" + case["pointer"]}, registry=registry)
        for error in validator.iter_errors(case["body"]):
            # Where and which keyword, never the instance (bodies may name people).
            schema_path = "/".join(str(p) for p in error.absolute_schema_path)
            print(f"{case['name']}: body{error.json_path[1:]} fails {error.validator} at {schema_path}")
            bad += 1
    return 1 if bad else 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "json":
        json.dump(load(argv[2]), sys.stdout, ensure_ascii=False)
        return 0
    if len(argv) >= 3 and argv[1] == "validate":
        return validate(argv[2])
    if len(argv) >= 4 and argv[1] == "responses":
        return responses(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
