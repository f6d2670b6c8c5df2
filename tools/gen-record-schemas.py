#!/usr/bin/env python3
"""Writes schemas/records/*.schema.json (JSON Schema draft 2020-12).

The Swift validator (Sources/CreditRecords) is the reference; these schemas express every
rule JSON Schema can (shapes, enums, lengths, patterns, conditional requirements). Check
characters, real calendar dates, date order, "not in the future" and cross-record rules are
the validator's alone. Each kind's members, types, required list and enumerations come
from the kind table (Sources/CreditRecords/Entry/KindTable.swift) as `swift run kind-table`
prints it; the rules between fields and the kinds' own object shapes are written here.
Run from the repository root: swift run -q kind-table | python3 tools/gen-record-schemas.py
(or with no input: it runs `swift run -q kind-table` itself)
"""
import json, os, subprocess, sys

BASE = "https://careledger.example/schemas/records/"
PROV = "1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12]"
BIRTH = "(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
USCC_CHARS = "0-9A-HJ-NP-RTUWXY"
PAIRS = "1[1239]|2[19]|3[1-59]|4[19]|5[1239]|6[129]|7[129]|8[19]|9[123]|A[19]|N[1239]|Y1"
C = "common.schema.json#/$defs/"

def text(n):
    return {"type": "string", "pattern": "\\S", "maxLength": n}

def free(n):
    return {"type": "string", "maxLength": n}

def ref(name):
    return {"$ref": C + name}

def enum(*values):
    return {"type": "string", "enum": list(values)}

def when(prop, cond, then):
    return {"if": {"properties": {prop: cond}, "required": [prop]}, "then": then}

def obj(props, required, title=None, desc=None, extra=None):
    s = {}
    if title: s["title"] = title
    if desc: s["description"] = desc
    s.update({"type": "object", "additionalProperties": False, "required": required, "properties": props})
    if extra: s["allOf"] = extra
    return s

ID_PATTERNS = {
    "resident_id": f"^(?:{PROV}|83)[0-9]{{4}}{BIRTH}[0-9]{{3}}[0-9Xx]$",
    "foreign_permanent_resident_id": f"^(?:9(?:{PROV})[0-9]{{3}}{BIRTH}[0-9]{{3}}[0-9Xx]|[A-Z]{{3}}[0-9]{{12}})$",
    "passport": "^[A-Z0-9]{5,20}$",
    "hk_macau_permit": "^[HM](?:[0-9]{8}|[0-9]{10})$",
    "taiwan_permit": "^[0-9]{8}(?:[0-9A-Z]{2})?$",
}

common = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": BASE + "common.schema.json",
    "title": "CareLedger record parts shared by several kinds",
    "description": "Lengths count Unicode code points (as maxLength does) and follow the national 行政处罚 layout. Check characters (GB 11643, GB 32100), real calendar dates and date order are checked by the service only.",
    "$defs": {
        "Date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"},
        "Amount": {"description": "万元 as a decimal string; fits decimal(18,6)", "type": "string",
                   "pattern": "^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$"},
        "RegionCode": {"description": "GB/T 2260 six digits: valid province, no county under city 00", "type": "string",
                       "pattern": f"^(?:{PROV})(?!00(?!00))[0-9]{{4}}$"},
        "USCC": {"description": "GB 32100 (check character verified by the service)", "type": "string",
                 "pattern": f"^(?:{PAIRS})(?:100000|(?:{PROV})[0-9]{{4}})[{USCC_CHARS}]{{10}}$"},
        "DocumentNumber": text(128),
        "OrganizationName": text(200),
        "PersonName": text(50),
        "Remarks": free(512),
        "IdType": enum(*ID_PATTERNS.keys()),
        "IdNumberByType": {"allOf": [
            {"if": {"properties": {"idType": {"const": t}}, "required": ["idType"]},
             "then": {"properties": {"idNumber": {"pattern": p}}}} for t, p in ID_PATTERNS.items()]},
        "Person": obj({"name": ref("PersonName"), "idType": ref("IdType"), "idNumber": {"type": "string", "maxLength": 64}},
                      ["name", "idType", "idNumber"], extra=[ref("IdNumberByType")]),
        "Organization": obj({"name": ref("OrganizationName"), "uscc": ref("USCC"), "region": ref("RegionCode")}, ["name", "uscc"]),
        "Authority": obj({"name": ref("OrganizationName"), "uscc": ref("USCC"), "region": ref("RegionCode")}, ["name", "uscc", "region"]),
        # One closed shape per category (each fixes its `category` with const), as oneOf
        # rather than if/then + unevaluatedProperties: the same documents, and a form that
        # property-based clients (schemathesis, via the OpenAPI document) can generate.
        "Party": {
            "description": "The subject of a penalty or enforcement; category (organization, individual_business, person) decides the shape.",
            "type": "object", "required": ["category"],
            "oneOf": [ref("OrganizationParty"), ref("IndividualBusinessParty"), ref("PersonParty")],
        },
        "PersonParty": obj({"category": {"const": "person"}, "name": ref("OrganizationName"), "idType": ref("IdType"),
                            "idNumber": {"type": "string", "maxLength": 64}},
                           ["category", "name", "idType", "idNumber"], extra=[ref("IdNumberByType")]),
        "ClientSignature": obj({"keyId": text(256), "sig": {"type": "string", "pattern": "^[A-Za-z0-9+/]{85}[AQgw]==$"}}, ["keyId", "sig"],
                               desc="Ed25519 signature (standard base64 of 64 bytes) over the JCS bytes of {kind, body}"),
    },
}

def org_party(category, uscc, extra=None):
    return obj({"category": {"const": category}, "name": ref("OrganizationName"), "uscc": uscc,
                "registrationNo": text(50), "organizationCode": text(9), "taxRegistrationNo": text(15),
                "publicInstitutionCertificateNo": text(12), "socialOrganizationRegistrationNo": text(50),
                "legalRepresentative": ref("Person")},
               ["category", "name", "uscc", "legalRepresentative"], extra=extra)

common["$defs"]["OrganizationParty"] = org_party("organization", ref("USCC"))
common["$defs"]["IndividualBusinessParty"] = org_party(
    "individual_business", {"anyOf": [ref("USCC"), {"const": "00000000000000000X"}]},
    extra=[when("uscc", {"const": "00000000000000000X"}, {"required": ["registrationNo"]})])

def kind_schema(kind, title, props, required, extra=None, defs=None):
    s = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": BASE + kind + ".schema.json"}
    s.update(obj(props, required, title=title, extra=extra))
    if defs: s["$defs"] = defs
    return s

def field_schema(t):
    """A kind-table field type (KindTable+JSON.swift) as JSON Schema."""
    simple = {"remarks": ref("Remarks"), "documentNumber": ref("DocumentNumber"), "date": ref("Date"),
              "dateOrNull": {"anyOf": [ref("Date"), {"type": "null"}]}, "amount": ref("Amount"),
              "seq": {"type": "integer", "minimum": 0},
              "seqList": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "integer", "minimum": 0}}, "organization": ref("Organization"), "authority": ref("Authority"),
              "person": ref("Person"), "party": ref("Party"),
              "nameList": {"type": "array", "minItems": 1, "items": ref("PersonName")}}
    kind = t["is"]
    if kind in simple: return simple[kind]
    if kind == "text": return text(t["maxLength"])
    if kind == "token": return {"type": "string", "pattern": t["pattern"], "maxLength": t["maxLength"]}
    if kind == "integer": return {"type": "integer", "minimum": t["minimum"]}
    if kind == "enumeration": return enum(*t["values"])
    if kind == "enumSet": return {"type": "array", "minItems": 1, "uniqueItems": True, "items": enum(*t["values"])}
    if kind == "object": return {"$ref": "#/$defs/" + t["def"]}
    if kind == "objectList": return {"type": "array", "items": {"$ref": "#/$defs/" + t["def"]}}
    raise SystemExit(f"gen-record-schemas: unknown field type {kind!r} in the kind table")

def contains(v):
    return {"contains": {"const": v}}

# What JSON Schema can say beyond each field alone: rules between fields, and the kinds' own
# object shapes. Members, types, required and enumerations come from the kind table.
EXTRA = {
    "inspection": [
        when("result", {"enum": ["rectification_required", "fail"]},
             {"required": ["rectifyBy"], "properties": {"findings": {"minItems": 1}}}),
        when("result", {"const": "pass"}, {"not": {"required": ["rectifyBy"]}}),
    ],
    "penalty": [
        when("categories", contains("fine"), {"required": ["fineAmount"]}),
        when("categories", contains("confiscation"), {"required": ["confiscatedAmount"]}),
        when("categories", contains("license_suspension"), {"required": ["license"]}),
        when("categories", contains("license_revocation"), {"required": ["license"]}),
    ],
    "ban": [
        when("scope", {"const": "until"}, {"required": ["until"], "properties": {"until": ref("Date")}}),
        when("scope", {"const": "lifetime"}, {"properties": {"until": {"type": "null"}}}),
        when("role", {"const": "perpetrator"}, {"not": {"required": ["managerOf"]}}),
    ],
}
DEFS = {
    "institution_filing": {
        "FiledInstitution": obj({"name": ref("OrganizationName"), "uscc": ref("USCC"), "region": ref("RegionCode"),
                                 "type": enum("for_profit", "non_profit", "public_institution"), "address": text(200),
                                 "capacity": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                                 "legalRepresentative": ref("Person"), "principal": ref("Person")},
                                ["name", "uscc", "region", "type", "address", "capacity", "legalRepresentative"])},
    "inspection": {"Finding": obj({"code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 64},
                                   "description": text(2000), "severity": enum("minor", "major", "critical")},
                                  ["code", "description", "severity"])},
}

def read_table():
    """The kind table: from the file named on the command line, from stdin when it is a pipe,
    else from `swift run -q kind-table`."""
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as f: return json.load(f)
    if not sys.stdin.isatty():
        return json.load(sys.stdin)
    return json.loads(subprocess.run(["swift", "run", "-q", "kind-table"], check=True, capture_output=True, text=True).stdout)

kinds = {}
for spec in read_table()["kinds"]:
    k = spec["kind"]
    kinds[k] = kind_schema(k, f"{k} — {spec['title']}", {f["name"]: field_schema(f["type"]) for f in spec["fields"]},
                           [f["name"] for f in spec["fields"] if f["required"]], extra=EXTRA.get(k), defs=DEFS.get(k))

record = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": BASE + "record.schema.json",
    "title": "A submitted CareLedger record {kind, body, clientSignature?}",
    # One closed shape per kind, as oneOf rather than if/then on `kind`: the same documents,
    # and a form property-based clients (schemathesis, via the OpenAPI document) can generate.
    "type": "object", "required": ["kind", "body"],
    "oneOf": [obj({"kind": {"const": k}, "body": {"$ref": k + ".schema.json"}, "clientSignature": ref("ClientSignature")},
                  ["kind", "body"]) for k in kinds],
    "$defs": {"Kind": enum(*kinds.keys())},
}

out = "schemas/records"
os.makedirs(out, exist_ok=True)
for name, schema in [("common", common), ("record", record)] + list(kinds.items()):
    with open(os.path.join(out, name + ".schema.json"), "w", encoding="utf-8") as f:
        json.dump(schema, f, ensure_ascii=False, indent=2)
        f.write("\n")
