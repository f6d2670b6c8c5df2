import CreditRecords
import LedgerCrypto
import TransparencyLog

/// Reading records back: one with its inclusion proof, or a page in seq order; either in the
/// public view (the stored leaves, nothing recorded) or opened for a purpose
/// (Reads/RecordReads.swift: the quota, the authority rule and the access entry).
extension Ledger {
    public static let defaultPageSize: UInt64 = 100
    public static let maxPageSize: UInt64 = 1000

    /// `{seq, entry, leafHash, inclusionProof, checkpoint}` in the public view, the proof
    /// against the latest checkpoint. Reveals no personal part, so it is not recorded.
    public func publicRecord(seq: UInt64) throws(Refusal) -> JSONValue {
        let checkpoint = try checkpointCovering(seq)
        do {
            return .object(try withProof(try recordJSON(seq: seq, entry: log.entry(at: seq), open: false).object, seq: seq, checkpoint: checkpoint))
        } catch {
            throw logUnavailable(error)
        }
    }

    /// `{records: [{seq, entry, leafHash}], next}` in the public view, in seq order from `from`.
    public func publicRecords(from: UInt64, limit: UInt64) throws(Refusal) -> JSONValue {
        let range = pageRange(from: from, limit: limit)
        var records = [JSONValue]()
        do {
            for (offset, entry) in try log.entries(from: from, count: range.count).enumerated() {
                records.append(.object(try recordJSON(seq: from + UInt64(offset), entry: entry, open: false).object))
            }
        } catch {
            throw logUnavailable(error)
        }
        return Self.page(records, next: range.next)
    }

    /// The latest checkpoint, when it covers `seq`; else 404.
    func checkpointCovering(_ seq: UInt64) throws(Refusal) -> SignedCheckpoint {
        let checkpoint = log.latestCheckpoint
        let size = checkpoint.checkpoint.size
        // The seq is client input and is not echoed: an 18-digit resident ID number parses as one.
        guard seq < size else { throw Refusal.notFound("There is no such record; the log holds \(size).") }
        return checkpoint
    }

    func withProof(_ record: JSONObject, seq: UInt64, checkpoint: SignedCheckpoint) throws -> JSONObject {
        var object = record
        object["inclusionProof"] = .array(try log.inclusionProof(seq: seq, size: checkpoint.checkpoint.size).map { .string($0.base64) })
        object["checkpoint"] = .string(checkpoint.note)
        return object
    }

    /// How many records a page from `from` holds, and the seq after it (nil at the end).
    func pageRange(from: UInt64, limit: UInt64) -> (count: Int, next: UInt64?) {
        let size = log.latestCheckpoint.checkpoint.size
        guard from < size else { return (0, nil) }
        let count = Int(min(limit, size - from))
        return (count, from + UInt64(count) < size ? from + UInt64(count) : nil)
    }

    static func page(_ records: [JSONValue], next: UInt64?) -> JSONValue {
        .object(JSONObject([("records", .array(records)), ("next", next.map { .uint($0) } ?? .null)]))
    }

    /// `{seq, entry, leafHash, opened?, erased?}` and whether a personal part was opened:
    /// the stored envelope as JSON (an entry that is not JSON, which only `careledger log
    /// append` could have written, is given as `entryBase64`). With `open`, a sealed entry's
    /// personal part comes as `opened: {body, salt}` — the full body and the salt, so the
    /// reader can check SHA-256(salt ‖ JCS(body)) against `entry.personal.commitment` — or,
    /// once erased, as `erased: true` (docs/http.md). In the public view a sealed entry is
    /// its leaf, and an unsealed (v1) entry holding more than its kind's leaf view is
    /// withheld (`entry: null, withheld: true`).
    func recordJSON(seq: UInt64, entry: [UInt8], open: Bool) throws -> (object: JSONObject, opened: Bool) {
        var object = JSONObject([("seq", .uint(seq))])
        var opened = false
        if let value = try? JSONParser.parse(entry, maxDepth: 64) {
            object["entry"] = value
            if SealedEntries.commitment(of: entry) != nil {
                if open {
                    if let personal = try sealed.opened(entry) {
                        if let body = (try? JSONParser.parse(personal.entry, maxDepth: 64))?.objectValue?["body"] {
                            object["opened"] = .object(JSONObject([("body", body), ("salt", .string(Hex.encode(personal.salt)))]))
                            opened = true
                        }
                    } else {
                        object["erased"] = .bool(true)
                    }
                }
            } else if Self.isUnsealedPersonal(value) {
                if open {
                    opened = true
                } else {
                    object["entry"] = .null
                    object["withheld"] = .bool(true)
                }
            }
        } else {
            object["entry"] = .null
            object["entryBase64"] = .string(Base64.encode(entry))
        }
        object["leafHash"] = .string(try log.leafHash(at: seq).base64)
        return (object, opened)
    }

    /// A v1 entry (written before sealing) whose body holds members beyond its kind's leaf view.
    static func isUnsealedPersonal(_ value: JSONValue) -> Bool {
        guard let object = value.objectValue, object["v"] == 1, let kind = object["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)),
              let body = object["body"]?.objectValue else { return false }
        return KindSpec.of(kind).leafView(of: body) != body
    }
}
