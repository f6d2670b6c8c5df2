#!/usr/bin/env python3
"""Writes schemas/examples/valid/*.json and schemas/examples/invalid/*.json (+ .expect.json).

All identifiers are made up, with correct check characters (tools/checkdigits.py). The
examples assume "today" is 2026-11-22 (CST) and a log in which every seq below 1000 is an
unrevoked penalty decided 2026-01-01, except seq 8, an enforcement measure (the agreement
test's fake lookup). An invalid example
breaks exactly one rule; its .expect.json names the pointer and code the Swift validator
reports, whether JSON Schema can detect it (schemaDetects), and schemaPointer when the
schema reports it on another pointer (uniqueItems reports the array).
Run from the repository root: python3 tools/gen-examples.py
"""
import copy, glob, json, os

HEALTH = {"name": "温州市瓯海区卫生健康局", "uscc": "113303040025997855", "region": "330304"}
MARKET = {"name": "温州市瓯海区市场监督管理局", "uscc": "11330304MB1C247898", "region": "330304"}
CIVIL = {"name": "温州市瓯海区民政局", "uscc": "11330304MB1A8213KT", "region": "330304"}
CITY_HEALTH = {"name": "温州市卫生健康委员会", "uscc": "11330300MB1D56702Q", "region": "330300"}
COURT = {"name": "温州市瓯海区人民法院", "uscc": "113303040026521388"}
XXX = {"name": "温州市瓯海区小星星托育有限公司", "uscc": "91330304MA2J7K8L10"}
AIXIN = {"name": "温州市瓯海区爱心托育中心", "uscc": "52330304MJ8N4R2T7U"}
WANG_LI = {"name": "王丽", "idType": "resident_id", "idNumber": "330302199003150044"}
LI_NA = {"name": "李娜", "idType": "resident_id", "idNumber": "330303199506302827"}
ZHANG_WEI = {"name": "张伟", "idType": "resident_id", "idNumber": "330327198507200714"}
LIN_XY = {"name": "林晓燕", "idType": "resident_id", "idNumber": "330381199211083443"}
ZHOU_JG = {"name": "周建国", "idType": "resident_id", "idNumber": "330304197802031512"}
SIG = {"keyId": "insp-ouhai-01/2026", "sig": "q" * 85 + "A=="}

V = {}
V["institution_filing-filed"] = {"kind": "institution_filing", "body": {
    "action": "filed",
    "institution": {"name": XXX["name"], "uscc": XXX["uscc"], "region": "330304", "type": "for_profit",
                    "address": "温州市瓯海区娄桥街道古岸头路18号", "capacity": 60, "legalRepresentative": WANG_LI},
    "registrar": MARKET, "filingNo": "瓯卫托备〔2026〕12号", "filedAt": "2026-03-01", "authority": HEALTH}}
# A filing naming the institution's 负责人 (principal) besides its legal representative.
V["institution_filing-principal"] = {"kind": "institution_filing", "body": {
    "action": "changed",
    "institution": {"name": XXX["name"], "uscc": XXX["uscc"], "region": "330304", "type": "for_profit",
                    "address": "温州市瓯海区娄桥街道古岸头路18号", "capacity": 60, "legalRepresentative": WANG_LI,
                    "principal": {"name": "陈敏", "idType": "resident_id", "idNumber": "330304198003051028"}},
    "registrar": MARKET, "filingNo": "瓯卫托备〔2026〕31号", "filedAt": "2026-09-01", "authority": HEALTH}}
V["institution_filing-deregistered"] = {"kind": "institution_filing", "body": {
    "action": "deregistered",
    "institution": {"name": AIXIN["name"], "uscc": AIXIN["uscc"], "region": "330304", "type": "non_profit",
                    "address": "温州市瓯海区新桥街道金蟾大道96号", "capacity": 40, "legalRepresentative": ZHOU_JG},
    "registrar": CIVIL, "filingNo": "瓯卫托备〔2026〕31号", "filedAt": "2026-10-09", "authority": HEALTH,
    "remarks": "连续两年年审不合格，责令关闭，注销备案"}}
V["inspection-rectification"] = {"kind": "inspection", "body": {
    "institution": XXX, "authority": HEALTH, "inspectionNo": "瓯卫检〔2026〕88号", "inspectedAt": "2026-05-10",
    "type": "random", "areas": ["fire_safety", "food_safety", "hygiene", "security_video", "staffing"],
    "result": "rectification_required",
    "findings": [{"code": "video_retention", "description": "监控录像保存不足90日", "severity": "major"}],
    "rectifyBy": "2026-06-10", "inspectors": ["李明", "赵强"]}}
V["inspection-pass"] = {"kind": "inspection", "body": {
    "institution": {"name": AIXIN["name"], "uscc": AIXIN["uscc"], "region": "330304"}, "authority": CITY_HEALTH,
    "inspectionNo": "温卫检〔2026〕203号", "inspectedAt": "2026-09-18", "type": "joint",
    "areas": ["fire_safety", "health_care"], "result": "pass", "findings": [], "inspectors": ["陈静", "郑海涛"],
    "dataSource": CITY_HEALTH, "remarks": ""}}
# A follow-up of the record at seq 7 (under the fake log above, an unrevoked penalty).
V["inspection-follow-up"] = {"kind": "inspection", "body": {
    "institution": XXX, "authority": HEALTH, "inspectionNo": "瓯卫检〔2026〕97号", "inspectedAt": "2026-06-12",
    "type": "special", "areas": ["security_video"], "result": "pass", "findings": [], "inspectors": ["李明"],
    "remarks": "复查整改情况：监控录像已按规定保存90日", "followUpOf": 7}}
PENALTY = {
    "party": {"category": "organization", "name": XXX["name"], "uscc": XXX["uscc"], "legalRepresentative": WANG_LI},
    "decisionNo": "瓯卫罚〔2026〕5号", "violationType": "未按规定配备安防监控",
    "facts": "经查，该机构婴幼儿休息室未安装视频监控设备，监控录像保存不足90日。",
    "basis": "《托育机构设置标准（试行）》第十二条；《中华人民共和国行政处罚法》第二十八条",
    "categories": ["warning", "fine"], "content": "警告，罚款人民币2000元", "fineAmount": "0.2",
    "confiscatedAmount": "0", "license": "托育机构备案回执 瓯卫托备〔2026〕12号",
    "decidedAt": "2026-05-20", "validUntil": "2026-11-20", "publicUntil": "2027-05-20",
    "authority": HEALTH, "dataSource": {"name": HEALTH["name"], "uscc": HEALTH["uscc"]}, "remarks": ""}
V["penalty-organization"] = {"kind": "penalty", "body": PENALTY}
V["penalty-individual-business"] = {"kind": "penalty", "body": {
    "party": {"category": "individual_business", "name": "瓯海区娄桥贝贝乐托管服务部", "uscc": "00000000000000000X",
              "registrationNo": "330304600123456", "legalRepresentative": LI_NA},
    "decisionNo": "瓯市监罚〔2026〕47号", "violationType": "未取得食品经营许可从事食品经营",
    "facts": "当事人在未取得食品经营许可的情况下为托管幼儿提供午餐。", "basis": "《中华人民共和国食品安全法》第一百二十二条",
    "categories": ["confiscation", "fine"], "content": "没收违法所得1200元，罚款人民币5万元",
    "fineAmount": "5", "confiscatedAmount": "0.12", "decidedAt": "2026-07-02", "publicUntil": "2027-07-02",
    "authority": MARKET, "dataSource": {"name": MARKET["name"], "uscc": MARKET["uscc"]}}}
V["penalty-person"] = {"kind": "penalty", "body": {
    "party": {"category": "person", "name": "张伟", "idType": "resident_id", "idNumber": "33032719850720071" + "4"},
    "decisionNo": "瓯卫罚〔2026〕19号", "violationType": "未取得相应资格从事婴幼儿保健工作",
    "facts": "当事人未取得保健人员培训合格证明，在托育机构从事保健工作。", "basis": "《托育机构管理规范（试行）》第二十一条",
    "categories": ["warning", "practice_restriction"], "content": "警告，一年内不得从事托育机构保健工作",
    "decidedAt": "2026-08-14", "validUntil": "2027-08-13", "authority": HEALTH,
    "dataSource": {"name": HEALTH["name"], "uscc": HEALTH["uscc"], "region": "330304"}}}
V["enforcement-seal"] = {"kind": "enforcement", "body": {
    "party": {"category": "organization", "name": XXX["name"], "uscc": XXX["uscc"], "organizationCode": "MA2J7K8L1",
              "legalRepresentative": WANG_LI},
    "decisionNo": "瓯市监强〔2026〕3号", "measure": "seal",
    "facts": "厨房存放过期食品原料，存在重大食品安全隐患。", "basis": "《中华人民共和国食品安全法》第一百一十条",
    "decidedAt": "2026-06-03", "authority": MARKET, "content": "查封厨房及过期食品原料", "dataSource": MARKET}}
# 解除查封 (行政强制法 art. 28) of the seal recorded at seq 8 (an enforcement under the fake log).
V["enforcement-lift"] = {"kind": "enforcement", "body": {
    "party": {"category": "organization", "name": XXX["name"], "uscc": XXX["uscc"], "legalRepresentative": WANG_LI},
    "decisionNo": "瓯市监解强〔2026〕1号", "measure": "other",
    "facts": "过期食品原料已依法处理，厨房整改完毕。", "basis": "《中华人民共和国行政强制法》第二十八条",
    "decidedAt": "2026-06-20", "authority": MARKET, "content": "解除查封", "lifts": 8}}
V["judgment-practice-ban"] = {"kind": "judgment", "body": {
    "person": LIN_XY, "court": COURT, "caseNo": "（2026）浙0304刑初123号", "offence": "虐待被监护、看护人罪",
    "sentence": "有期徒刑二年", "decidedAt": "2026-08-01", "practiceBanUntil": "2031-08-01", "authority": HEALTH}}
# 虐待被监护、看护人罪 (Criminal Law art. 260-1) with no court-ordered ban: the offence category
# bars by the Minors Protection Law art. 62 and 130 (docs/background-index.md "Statutory bars").
V["judgment-abuse"] = {"kind": "judgment", "body": {
    "person": {"name": "周小红", "idType": "resident_id", "idNumber": "330304199105083228"}, "court": COURT,
    "caseNo": "（2026）浙0304刑初207号", "offence": "虐待被监护、看护人罪", "sentence": "有期徒刑一年，缓刑二年",
    "decidedAt": "2026-09-15", "authority": HEALTH, "offenceCategory": "abuse"}}
V["ban-lifetime"] = {"kind": "ban", "body": {
    "person": LIN_XY, "role": "perpetrator", "reason": "child_abuse", "scope": "lifetime", "until": None,
    "institution": XXX, "decisionNo": "瓯卫禁〔2026〕1号", "decidedAt": "2026-08-20",
    "basis": "《温州市关于加快推进3岁以下婴幼儿照护服务发展的实施意见》：对虐童等行为零容忍，对相关个人和直接管理人员实行终身禁入",
    "facts": "当事人在看护过程中多次殴打婴幼儿，已被人民法院以虐待被监护、看护人罪判处有期徒刑二年。", "authority": HEALTH}}
V["ban-until-manager"] = {"kind": "ban", "body": {
    "person": WANG_LI, "role": "responsible_manager", "reason": "child_abuse", "scope": "until", "until": "2031-08-19",
    "institution": XXX, "decisionNo": "瓯卫禁〔2026〕2号", "decidedAt": "2026-08-20",
    "basis": "对直接管理人员实行从业禁止", "facts": "作为机构负责人未履行看护管理职责，致虐童行为持续发生。",
    "authority": HEALTH, "remarks": "直接管理人员"}}
# The directly responsible manager named on the task the record at seq 7 opened (人口与计划生育法
# art. 41(2)): a lifetime ban linked to that record by managerOf.
V["ban-manager-of"] = {"kind": "ban", "body": {
    "person": WANG_LI, "role": "responsible_manager", "reason": "child_abuse", "scope": "lifetime", "until": None,
    "institution": XXX, "decisionNo": "瓯卫禁〔2026〕3号", "decidedAt": "2026-09-10",
    "basis": "《中华人民共和国人口与计划生育法》第四十一条第二款", "facts": "作为机构直接负责的主管人员，对虐待婴幼儿行为负有直接责任。",
    "authority": HEALTH, "managerOf": 7}}
V["annual_review-fail"] = {"kind": "annual_review", "body": {
    "institution": AIXIN, "year": 2025, "result": "fail", "reviewedAt": "2026-01-15", "authority": HEALTH,
    "notes": "保育人员配比不足，消防通道堵塞"}}
V["revocation-data-error"] = {"kind": "revocation", "body": {
    "target": 17, "reason": "data_error", "decisionNo": "瓯卫撤〔2026〕2号", "decidedAt": "2026-09-01",
    "authority": HEALTH, "notes": "当事人证件号码录入错误，撤销后重新登记"}}
V["credit_repair-signed"] = {"kind": "credit_repair", "body": {
    "target": 42, "decisionNo": "瓯卫信修〔2026〕7号", "decidedAt": "2026-09-01", "authority": HEALTH,
    "notes": "已完成整改并提交信用承诺书"}, "clientSignature": SIG}
# A closure (责令关闭) after the 2025 rule: class and procedure recorded (docs/records.md "Publication periods").
V["penalty-closure-classed"] = {"kind": "penalty", "body": {
    "party": {"category": "organization", "name": XXX["name"], "uscc": XXX["uscc"], "legalRepresentative": WANG_LI},
    "decisionNo": "瓯卫罚〔2026〕31号", "violationType": "虐待婴幼儿",
    "facts": "经查，该机构保育人员多次殴打婴幼儿，机构未履行看护管理职责。", "basis": "《中华人民共和国人口与计划生育法》第四十一条",
    "categories": ["closure"], "content": "责令关闭", "decidedAt": "2026-09-10", "publicUntil": "2029-09-10",
    "authority": HEALTH, "dataSource": {"name": HEALTH["name"], "uscc": HEALTH["uscc"]}, "class": "serious", "procedure": "ordinary"}}
V["credit_repair-conditions"] = {"kind": "credit_repair", "body": {
    "target": 42, "decisionNo": "瓯卫信修〔2026〕9号", "decidedAt": "2026-09-01", "authority": HEALTH,
    "conditions": ["minimum_period", "corrected_and_discharged", "credit_commitment", "other_legal_conditions"]}}
# A repair 信用中国 decided, recorded by the authority citing the platform's decision (issue 16).
V["credit_repair-platform"] = {"kind": "credit_repair", "body": {
    "target": 42, "decisionNo": "信用中国修复〔2026〕1024号", "decidedAt": "2026-09-15", "authority": HEALTH,
    "decidedBy": "credit_platform",
    "conditions": ["minimum_period", "corrected_and_discharged", "credit_commitment", "other_legal_conditions"]}}
V["penalty-foreign-person"] = {"kind": "penalty", "body": {
    "party": {"category": "person", "name": "Maria Schmidt", "idType": "foreign_permanent_resident_id", "idNumber": "932682198501010017"},
    "decisionNo": "瓯卫罚〔2026〕23号", "violationType": "未按规定进行健康检查上岗",
    "facts": "当事人未取得健康合格证明即从事婴幼儿照护工作。", "basis": "《托育机构管理规范（试行）》第十九条",
    "categories": ["warning"], "content": "警告", "decidedAt": "2026-10-12", "authority": HEALTH,
    "dataSource": {"name": HEALTH["name"], "uscc": HEALTH["uscc"]}}}

def at(doc, pointer):
    parts = [p for p in pointer.split("/")[1:]]
    for p in parts[:-1]:
        doc = doc[int(p)] if isinstance(doc, list) else doc[p]
    return doc, (int(parts[-1]) if isinstance(doc, list) else parts[-1])

def setp(doc, pointer, value):
    parent, key = at(doc, pointer)
    parent[key] = value

def delp(doc, pointer):
    parent, key = at(doc, pointer)
    del parent[key]

DELETE = object()
I = []
def bad(name, base, changes, pointer, code, schema=True, schema_pointer=None):
    I.append((name, base, changes, pointer, code, schema, schema_pointer))

P = "penalty-organization"
bad("penalty-uscc-checksum", P, {"/body/party/uscc": "91330304MA2J7K8L11"}, "/body/party/uscc", "uscc_checksum", False)
bad("penalty-uscc-alphabet", P, {"/body/party/uscc": "91330304MA2J7K8LI0"}, "/body/party/uscc", "uscc_format")
bad("penalty-uscc-lowercase", P, {"/body/party/uscc": "91330304ma2j7k8l10"}, "/body/party/uscc", "uscc_format")
bad("penalty-uscc-registrar", P, {"/body/party/uscc": "99330304MA2J7K8L10"}, "/body/party/uscc", "uscc_registrar")
bad("penalty-uscc-region", P, {"/body/party/uscc": "91990304MA2J7K8L10"}, "/body/party/uscc", "uscc_region")
bad("penalty-uscc-placeholder-organization", P, {"/body/party/uscc": "00000000000000000X"}, "/body/party/uscc", "uscc_placeholder")
bad("penalty-uscc-placeholder-authority", P, {"/body/authority/uscc": "00000000000000000X"}, "/body/authority/uscc", "uscc_placeholder")
bad("penalty-placeholder-without-registration", "penalty-individual-business", {"/body/party/registrationNo": DELETE},
    "/body/party/registrationNo", "required")
bad("penalty-id-checksum", "penalty-person", {"/body/party/idNumber": "330327198507200715"}, "/body/party/idNumber", "id_checksum", False)
# Spaces and full-width digits are normalised away (docs/http.md "ID numbers as typed"); a hyphen is not.
bad("penalty-id-hyphen", "penalty-person", {"/body/party/idNumber": "330327-19850720071"}, "/body/party/idNumber", "id_format")
bad("penalty-id-short", "penalty-person", {"/body/party/idNumber": "33032719850720071"}, "/body/party/idNumber", "id_format")
bad("penalty-id-birth-date", "penalty-person", {"/body/party/idNumber": "330304198902301238"}, "/body/party/idNumber", "id_birth_date", False)
bad("penalty-id-region", "penalty-person", {"/body/party/idNumber": "990304198805121235"}, "/body/party/idNumber", "id_region")
bad("penalty-foreign-id-format", "penalty-foreign-person", {"/body/party/idNumber": "832682198501010017"}, "/body/party/idNumber", "id_format")
bad("penalty-legal-rep-id-checksum", P, {"/body/party/legalRepresentative/idNumber": "330302199003150045"},
    "/body/party/legalRepresentative/idNumber", "id_checksum", False)
bad("penalty-id-type-enum", "penalty-person", {"/body/party/idType": "id_card"}, "/body/party/idType", "enum")
bad("ban-passport-lowercase", "ban-lifetime", {"/body/person": {"name": "Anna Petrova", "idType": "passport", "idNumber": "ab1234567"}},
    "/body/person/idNumber", "id_format")
bad("judgment-hk-permit-format", "judgment-practice-ban", {"/body/person": {"name": "陈家豪", "idType": "hk_macau_permit", "idNumber": "H1234567"}},
    "/body/person/idNumber", "id_format")
bad("judgment-taiwan-permit-format", "judgment-practice-ban", {"/body/person": {"name": "林志明", "idType": "taiwan_permit", "idNumber": "1234567"}},
    "/body/person/idNumber", "id_format")
bad("penalty-region-province", P, {"/body/authority/region": "990304"}, "/body/authority/region", "region_province")
bad("penalty-region-pattern", P, {"/body/authority/region": "330012"}, "/body/authority/region", "region_pattern")
bad("penalty-region-format", P, {"/body/authority/region": "33030"}, "/body/authority/region", "region_format")
bad("penalty-authority-region-required", P, {"/body/authority/region": DELETE}, "/body/authority/region", "required")
bad("penalty-authority-required", P, {"/body/authority": DELETE}, "/body/authority", "required")
bad("penalty-unknown-field-body", P, {"/body/penaltyAmount": "0.2"}, "/body/penaltyAmount", "unknown_field")
bad("penalty-unknown-field-party", P, {"/body/party/phone": "0577-88888888"}, "/body/party/phone", "unknown_field")
bad("penalty-unknown-field-legal-rep", P, {"/body/party/legalRepresentative/gender": "female"},
    "/body/party/legalRepresentative/gender", "unknown_field")
bad("penalty-unknown-field-person-party", "penalty-person", {"/body/party/uscc": XXX["uscc"]}, "/body/party/uscc", "unknown_field")
bad("record-unknown-field-top", P, {"/meta": {"source": "excel"}}, "/meta", "unknown_field")
bad("signature-unknown-field", "credit_repair-signed", {"/clientSignature/alg": "ed25519"}, "/clientSignature/alg", "unknown_field")
bad("signature-missing-sig", "credit_repair-signed", {"/clientSignature/sig": DELETE}, "/clientSignature/sig", "required")
bad("signature-format", "credit_repair-signed", {"/clientSignature/sig": "not base64"}, "/clientSignature/sig", "signature_format")
bad("record-kind-enum", P, {"/kind": "penalties"}, "/kind", "enum")
bad("record-body-type", P, {"/body": []}, "/body", "type")
bad("penalty-fine-required", P, {"/body/fineAmount": DELETE}, "/body/fineAmount", "required")
bad("penalty-fine-zero", P, {"/body/fineAmount": "0.000"}, "/body/fineAmount", "amount", False)
bad("penalty-amount-number", P, {"/body/fineAmount": 0.2}, "/body/fineAmount", "type")
bad("penalty-amount-decimals", P, {"/body/fineAmount": "0.2000001"}, "/body/fineAmount", "amount")
bad("penalty-amount-leading-zero", P, {"/body/fineAmount": "00.2"}, "/body/fineAmount", "amount")
bad("penalty-amount-too-large", P, {"/body/fineAmount": "1000000000000"}, "/body/fineAmount", "amount")
bad("penalty-amount-negative", P, {"/body/confiscatedAmount": "-1"}, "/body/confiscatedAmount", "amount")
bad("penalty-confiscation-required", "penalty-individual-business", {"/body/confiscatedAmount": DELETE}, "/body/confiscatedAmount", "required")
bad("penalty-license-required", P, {"/body/categories": ["license_revocation"], "/body/fineAmount": DELETE, "/body/license": DELETE},
    "/body/license", "required")
bad("penalty-categories-empty", P, {"/body/categories": [], "/body/fineAmount": DELETE}, "/body/categories", "min_items")
bad("penalty-categories-duplicate", P, {"/body/categories": ["fine", "warning", "fine"]}, "/body/categories/2", "unique",
    True, "/body/categories")
bad("penalty-category-enum", P, {"/body/categories": ["warning", "fines"]}, "/body/categories/1", "enum")
bad("penalty-date-format", P, {"/body/decidedAt": "2026/05/20"}, "/body/decidedAt", "date")
bad("penalty-date-not-real", P, {"/body/validUntil": "2026-02-30"}, "/body/validUntil", "date")
bad("penalty-date-type", P, {"/body/decidedAt": 20260520}, "/body/decidedAt", "type")
bad("penalty-valid-until-order", P, {"/body/validUntil": "2026-05-19"}, "/body/validUntil", "date_order", False)
bad("penalty-public-until-order", P, {"/body/publicUntil": "2026-05-19"}, "/body/publicUntil", "date_order", False)
bad("penalty-public-until-limit", P, {"/body/publicUntil": "2029-05-21"}, "/body/publicUntil", "publication_limit", False)
bad("penalty-decided-future", P, {"/body/decidedAt": "2026-11-23", "/body/validUntil": "2027-11-20", "/body/publicUntil": "2027-11-23"},
    "/body/decidedAt", "future", False)
bad("penalty-party-name-length", P, {"/body/party/name": "温" * 201}, "/body/party/name", "max_length")
bad("penalty-decision-no-length", P, {"/body/decisionNo": "瓯" * 129}, "/body/decisionNo", "max_length")
bad("penalty-remarks-length", P, {"/body/remarks": "备" * 513}, "/body/remarks", "max_length")
bad("penalty-legal-rep-name-length", P, {"/body/party/legalRepresentative/name": "王" * 51},
    "/body/party/legalRepresentative/name", "max_length")
bad("penalty-organization-code-length", P, {"/body/party/organizationCode": "MA2J7K8L10"}, "/body/party/organizationCode", "max_length")
bad("penalty-facts-blank", P, {"/body/facts": "  "}, "/body/facts", "empty")
bad("penalty-remarks-null", P, {"/body/remarks": None}, "/body/remarks", "type")
bad("penalty-party-category-enum", P, {"/body/party/category": "company"}, "/body/party/category", "enum")
bad("penalty-data-source-required", P, {"/body/dataSource": DELETE}, "/body/dataSource", "required")
bad("enforcement-measure-enum", "enforcement-seal", {"/body/measure": "detain"}, "/body/measure", "enum")
bad("inspection-rectify-required", "inspection-rectification", {"/body/rectifyBy": DELETE}, "/body/rectifyBy", "required")
bad("inspection-rectify-order", "inspection-rectification", {"/body/rectifyBy": "2026-05-09"}, "/body/rectifyBy", "date_order", False)
bad("inspection-rectify-on-pass", "inspection-pass", {"/body/rectifyBy": "2026-10-18"}, "/body/rectifyBy", "not_allowed")
bad("inspection-findings-empty-on-fail", "inspection-rectification", {"/body/findings": []}, "/body/findings", "min_items")
bad("inspection-area-enum", "inspection-rectification", {"/body/areas/0": "fire"}, "/body/areas/0", "enum")
bad("inspection-severity-enum", "inspection-rectification", {"/body/findings/0/severity": "serious"}, "/body/findings/0/severity", "enum")
bad("inspection-finding-unknown-field", "inspection-rectification", {"/body/findings/0/photo": "a.jpg"}, "/body/findings/0/photo", "unknown_field")
bad("inspection-inspectors-empty", "inspection-rectification", {"/body/inspectors": []}, "/body/inspectors", "min_items")
bad("inspection-follow-up-negative", "inspection-follow-up", {"/body/followUpOf": -1}, "/body/followUpOf", "range")
bad("inspection-inspected-future", "inspection-pass", {"/body/inspectedAt": "2026-12-01"}, "/body/inspectedAt", "future", False)
bad("filing-capacity-zero", "institution_filing-filed", {"/body/institution/capacity": 0}, "/body/institution/capacity", "range")
bad("filing-capacity-fraction", "institution_filing-filed", {"/body/institution/capacity": 60.5}, "/body/institution/capacity", "type")
bad("filing-capacity-string", "institution_filing-filed", {"/body/institution/capacity": "60"}, "/body/institution/capacity", "type")
bad("filing-legal-rep-required", "institution_filing-filed", {"/body/institution/legalRepresentative": DELETE},
    "/body/institution/legalRepresentative", "required")
bad("filing-principal-id-checksum", "institution_filing-principal", {"/body/institution/principal/idNumber": "330304198003051029"},
    "/body/institution/principal/idNumber", "id_checksum", False)
bad("filing-type-enum", "institution_filing-filed", {"/body/institution/type": "private"}, "/body/institution/type", "enum")
bad("filing-action-enum", "institution_filing-filed", {"/body/action": "created"}, "/body/action", "enum")
bad("filing-filed-future", "institution_filing-filed", {"/body/filedAt": "2027-03-01"}, "/body/filedAt", "future", False)
bad("ban-until-required", "ban-until-manager", {"/body/until": DELETE}, "/body/until", "required")
bad("ban-until-null-with-scope-until", "ban-until-manager", {"/body/until": None}, "/body/until", "required", True)
bad("ban-until-order", "ban-until-manager", {"/body/until": "2026-08-20"}, "/body/until", "date_order", False)
bad("ban-until-on-lifetime", "ban-lifetime", {"/body/until": "2036-08-20"}, "/body/until", "not_allowed")
bad("ban-manager-of-perpetrator", "ban-lifetime", {"/body/managerOf": 7}, "/body/managerOf", "not_allowed")
bad("ban-manager-of-negative", "ban-manager-of", {"/body/managerOf": -1}, "/body/managerOf", "range")
bad("ban-role-enum", "ban-lifetime", {"/body/role": "manager"}, "/body/role", "enum")
bad("ban-reason-enum", "ban-lifetime", {"/body/reason": "abuse"}, "/body/reason", "enum")
bad("ban-institution-required", "ban-lifetime", {"/body/institution": DELETE}, "/body/institution", "required")
bad("judgment-practice-ban-order", "judgment-practice-ban", {"/body/practiceBanUntil": "2026-07-31"}, "/body/practiceBanUntil", "date_order", False)
bad("judgment-offence-category-enum", "judgment-abuse", {"/body/offenceCategory": "child_abuse"}, "/body/offenceCategory", "enum")
bad("judgment-court-uscc-checksum", "judgment-practice-ban", {"/body/court/uscc": "113303040026521387"}, "/body/court/uscc", "uscc_checksum", False)
bad("annual-review-year-early", "annual_review-fail", {"/body/year": 1999}, "/body/year", "range")
bad("annual-review-year-future", "annual_review-fail", {"/body/year": 2027}, "/body/year", "range", False)
bad("annual-review-year-string", "annual_review-fail", {"/body/year": "2025"}, "/body/year", "type")
bad("annual-review-result-enum", "annual_review-fail", {"/body/result": "failed"}, "/body/result", "enum")
bad("revocation-target-negative", "revocation-data-error", {"/body/target": -1}, "/body/target", "range")
bad("revocation-target-string", "revocation-data-error", {"/body/target": "17"}, "/body/target", "type")
bad("revocation-reason-enum", "revocation-data-error", {"/body/reason": "mistake"}, "/body/reason", "enum")
bad("revocation-target-not-found", "revocation-data-error", {"/body/target": 5000}, "/body/target", "target_not_found", False)
bad("enforcement-lifts-negative", "enforcement-lift", {"/body/lifts": -1}, "/body/lifts", "range")
bad("penalty-class-enum", "penalty-closure-classed", {"/body/class": "severe"}, "/body/class", "enum")
bad("penalty-procedure-enum", "penalty-closure-classed", {"/body/procedure": "simple"}, "/body/procedure", "enum")
bad("penalty-public-until-class", "penalty-closure-classed", {"/body/publicUntil": "2027-03-10"}, "/body/publicUntil", "publication_limit", False)
bad("credit-repair-conditions-enum", "credit_repair-conditions", {"/body/conditions/0": "paid"}, "/body/conditions/0", "enum")
bad("credit-repair-decided-by-enum", "credit_repair-platform", {"/body/decidedBy": "xinyong_china"}, "/body/decidedBy", "enum")
bad("credit-repair-too-early", "credit_repair-signed", {"/body/decidedAt": "2026-03-31"}, "/body/decidedAt", "repair_too_early", False)

out = "schemas/examples"
for d in ("valid", "invalid"):
    os.makedirs(os.path.join(out, d), exist_ok=True)
    for f in glob.glob(os.path.join(out, d, "*.json")):
        os.remove(f)

def write(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=2)
        f.write("\n")

for name, doc in V.items():
    write(os.path.join(out, "valid", name + ".json"), doc)
for name, base, changes, pointer, code, schema, schema_pointer in I:
    doc = copy.deepcopy(V[base])
    for p, v in changes.items():
        if v is DELETE:
            delp(doc, p)
        else:
            setp(doc, p, v)
    write(os.path.join(out, "invalid", name + ".json"), doc)
    expect = {"pointer": pointer, "code": code, "schemaDetects": schema}
    if schema_pointer:
        expect["schemaPointer"] = schema_pointer
    write(os.path.join(out, "invalid", name + ".expect.json"), expect)
print(len(V), "valid,", len(I), "invalid")
