import CreditRecords

// Prints the kind table (`KindSpec.tableJSON`) as canonical JSON on stdout, for
// tools/gen-record-schemas.py: `swift run -q kind-table | python3 tools/gen-record-schemas.py`.
let bytes = try CanonicalJSON.encode(KindSpec.tableJSON)
print(String(decoding: bytes, as: UTF8.self))
