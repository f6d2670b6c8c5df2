#!/usr/bin/env python3
"""Writes schemas/records/*.schema.json (JSON Schema draft 2020-12).

The Swift validator (Sources/CreditRecords) is the reference; these schemas express every
rule JSON Schema can (shapes, enums, lengths, patterns, conditional requirements). Check
characters, real calendar dates, date order, "not in the future" and cross-record rules are
the validator's alone. Run from the repository root: python3 tools/gen-record-schemas.py
"""
import json, os

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

kinds = {}
kinds["institution_filing"] = kind_schema("institution_filing", "institution_filing — 登记备案", {
    "action": enum("filed", "changed", "deregistered"),
    "institution": {"$ref": "#/$defs/FiledInstitution"},
    "registrar": ref("Organization"), "filingNo": ref("DocumentNumber"), "filedAt": ref("Date"),
    "authority": ref("Authority"), "remarks": ref("Remarks"),
}, ["action", "institution", "registrar", "filingNo", "filedAt", "authority"], defs={
    "FiledInstitution": obj({"name": ref("OrganizationName"), "uscc": ref("USCC"), "region": ref("RegionCode"),
                             "type": enum("for_profit", "non_profit", "public_institution"), "address": text(200),
                             "capacity": {"type": "integer", "minimum": 1, "maximum": 2147483647},
                             "legalRepresentative": ref("Person")},
                            ["name", "uscc", "region", "type", "address", "capacity", "legalRepresentative"])})

kinds["inspection"] = kind_schema("inspection", "inspection — 行政检查", {
    "institution": ref("Organization"), "authority": ref("Authority"), "inspectionNo": ref("DocumentNumber"),
    "inspectedAt": ref("Date"), "type": enum("routine", "random", "joint", "complaint", "special"),
    "areas": {"type": "array", "minItems": 1, "uniqueItems": True,
              "items": enum("fire_safety", "food_safety", "hygiene", "security_video", "staffing", "facilities",
                            "health_care", "care_quality", "records", "other")},
    "result": enum("pass", "rectification_required", "fail"),
    "findings": {"type": "array", "items": {"$ref": "#/$defs/Finding"}},
    "rectifyBy": ref("Date"),
    "inspectors": {"type": "array", "minItems": 1, "items": ref("PersonName")},
    "dataSource": ref("Organization"), "remarks": ref("Remarks"),
}, ["institution", "authority", "inspectionNo", "inspectedAt", "type", "areas", "result", "findings", "inspectors"], extra=[
    when("result", {"enum": ["rectification_required", "fail"]},
         {"required": ["rectifyBy"], "properties": {"findings": {"minItems": 1}}}),
    when("result", {"const": "pass"}, {"not": {"required": ["rectifyBy"]}}),
], defs={"Finding": obj({"code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 64},
                         "description": text(2000), "severity": enum("minor", "major", "critical")},
                        ["code", "description", "severity"])})

CATEGORIES = ["warning", "public_criticism", "fine", "confiscation", "license_suspension", "qualification_downgrade",
              "license_revocation", "business_restriction", "suspension_of_business", "closure", "practice_restriction",
              "detention", "other"]
def contains(v):
    return {"contains": {"const": v}}

kinds["penalty"] = kind_schema("penalty", "penalty — 行政处罚", {
    "party": ref("Party"), "decisionNo": ref("DocumentNumber"), "violationType": text(2000), "facts": text(2000),
    "basis": text(2048), "categories": {"type": "array", "minItems": 1, "uniqueItems": True, "items": enum(*CATEGORIES)},
    "content": text(4000), "fineAmount": ref("Amount"), "confiscatedAmount": ref("Amount"), "license": text(200),
    "decidedAt": ref("Date"), "validUntil": ref("Date"), "publicUntil": ref("Date"),
    "authority": ref("Authority"), "dataSource": ref("Organization"), "remarks": ref("Remarks"),
}, ["party", "decisionNo", "violationType", "facts", "basis", "categories", "content", "decidedAt", "authority", "dataSource"], extra=[
    when("categories", contains("fine"), {"required": ["fineAmount"]}),
    when("categories", contains("confiscation"), {"required": ["confiscatedAmount"]}),
    when("categories", contains("license_suspension"), {"required": ["license"]}),
    when("categories", contains("license_revocation"), {"required": ["license"]}),
])

kinds["enforcement"] = kind_schema("enforcement", "enforcement — 行政强制", {
    "party": ref("Party"), "decisionNo": ref("DocumentNumber"), "measure": enum("seal", "seize", "freeze", "other"),
    "facts": text(2000), "basis": text(2048), "decidedAt": ref("Date"), "authority": ref("Authority"),
    "content": text(4000), "dataSource": ref("Organization"), "remarks": ref("Remarks"),
}, ["party", "decisionNo", "measure", "facts", "basis", "decidedAt", "authority"])

kinds["judgment"] = kind_schema("judgment", "judgment — 司法判决", {
    "person": ref("Person"), "court": ref("Organization"), "caseNo": ref("DocumentNumber"), "offence": text(2000),
    "sentence": text(2000), "decidedAt": ref("Date"), "practiceBanUntil": ref("Date"), "authority": ref("Authority"),
}, ["person", "court", "caseNo", "offence", "sentence", "decidedAt", "authority"])

kinds["ban"] = kind_schema("ban", "ban — 终身禁入 / 从业禁止", {
    "person": ref("Person"), "role": enum("perpetrator", "responsible_manager"),
    "reason": enum("child_abuse", "harm_to_infant", "sexual_offence", "serious_safety_accident", "food_safety_accident", "other"),
    "scope": enum("lifetime", "until"), "until": {"anyOf": [ref("Date"), {"type": "null"}]},
    "institution": ref("Organization"), "decisionNo": ref("DocumentNumber"), "decidedAt": ref("Date"),
    "basis": text(2048), "facts": text(2000), "authority": ref("Authority"), "remarks": ref("Remarks"),
}, ["person", "role", "reason", "scope", "institution", "decisionNo", "decidedAt", "basis", "facts", "authority"], extra=[
    when("scope", {"const": "until"}, {"required": ["until"], "properties": {"until": ref("Date")}}),
    when("scope", {"const": "lifetime"}, {"properties": {"until": {"type": "null"}}}),
])

kinds["annual_review"] = kind_schema("annual_review", "annual_review — 年审", {
    "institution": ref("Organization"), "year": {"type": "integer", "minimum": 2000}, "result": enum("pass", "fail"),
    "reviewedAt": ref("Date"), "authority": ref("Authority"), "notes": ref("Remarks"),
}, ["institution", "year", "result", "reviewedAt", "authority"])

kinds["revocation"] = kind_schema("revocation", "revocation — 撤销 / 更正", {
    "target": {"type": "integer", "minimum": 0},
    "reason": enum("overturned_on_review", "overturned_in_court", "data_error"),
    "decisionNo": ref("DocumentNumber"), "decidedAt": ref("Date"), "authority": ref("Authority"), "notes": ref("Remarks"),
}, ["target", "reason", "decisionNo", "decidedAt", "authority"])

kinds["credit_repair"] = kind_schema("credit_repair", "credit_repair — 信用修复", {
    "target": {"type": "integer", "minimum": 0}, "decisionNo": ref("DocumentNumber"), "decidedAt": ref("Date"),
    "authority": ref("Authority"), "notes": ref("Remarks"),
}, ["target", "decisionNo", "decidedAt", "authority"])

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
