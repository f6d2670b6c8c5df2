#!/usr/bin/env python3
"""Validates JSON documents against schemas/records/record.schema.json.

usage: schema_check.py SCHEMA_DIR FILE...
Prints one JSON object: {"<file>": {"valid": bool, "errors": [{"pointer", "keyword", "message"}]}}.
Exit 2 when python's jsonschema/referencing packages are missing.
"""
import json, os, re, sys

try:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
except ImportError as e:  # pragma: no cover
    print(f"schema_check.py needs the python packages jsonschema and referencing: {e}", file=sys.stderr)
    sys.exit(2)

def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)

def located(e):
    """The pointer of the member the error is about: for required / additionalProperties /
    unevaluatedProperties / not-required, the missing or unexpected member below the object."""
    base = pointer(e.absolute_path)
    quoted = re.findall(r"'([^']*)'", e.message)
    if e.validator == "required" and quoted:
        return base + pointer([quoted[0]])
    if e.validator in ("additionalProperties", "unevaluatedProperties") and quoted:
        return base + pointer([quoted[0]])
    if e.validator == "not" and isinstance(e.validator_value, dict) and list(e.validator_value) == ["required"]:
        return base + pointer([e.validator_value["required"][0]])
    return base

def flatten(errors):
    for e in errors:
        yield e
        yield from flatten(e.context)

def main():
    schema_dir, files = sys.argv[1], sys.argv[2:]
    resources = []
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith(".schema.json"):
            with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                schema = json.load(f)
            resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    root = dict(resources)[[u for u, _ in resources if u.endswith("/record.schema.json")][0]].contents
    validator = Draft202012Validator(root, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    result = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        errors = [{"pointer": located(e), "keyword": str(e.validator), "message": e.message[:200]}
                  for e in flatten(validator.iter_errors(document))]
        result[path] = {"valid": not errors, "errors": errors}
    json.dump(result, sys.stdout, ensure_ascii=False)

main()
