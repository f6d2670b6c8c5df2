import CreditRecords
import LedgerCrypto
import TransparencyLog

/// Reading records back: one with its inclusion proof, or a page in seq order.
extension Ledger {
    public static let defaultPageSize: UInt64 = 100
    public static let maxPageSize: UInt64 = 1000

    /// `{seq, entry, leafHash, inclusionProof, checkpoint}`, the proof against the latest checkpoint.
    public func record(seq: UInt64) throws(Refusal) -> JSONValue {
        let checkpoint = log.latestCheckpoint
        let size = checkpoint.checkpoint.size
        // The seq is client input and is not echoed: an 18-digit resident ID number parses as one.
        guard seq < size else { throw Refusal.notFound("There is no such record; the log holds \(size).") }
        do {
            var object = try recordJSON(seq: seq, entry: log.entry(at: seq))
            object["inclusionProof"] = .array(try log.inclusionProof(seq: seq, size: size).map { .string($0.base64) })
            object["checkpoint"] = .string(checkpoint.note)
            return .object(object)
        } catch {
            throw logUnavailable(error)
        }
    }

    /// `{records: [{seq, entry, leafHash}], next}` in seq order from `from`, at most `limit`.
    public func records(from: UInt64, limit: UInt64) throws(Refusal) -> JSONValue {
        let size = log.latestCheckpoint.checkpoint.size
        var records = [JSONValue]()
        var next: JSONValue = .null
        if from < size {
            let count = Int(min(limit, size - from))
            do {
                for (offset, entry) in try log.entries(from: from, count: count).enumerated() {
                    records.append(.object(try recordJSON(seq: from + UInt64(offset), entry: entry)))
                }
            } catch {
                throw logUnavailable(error)
            }
            if from + UInt64(count) < size { next = .uint(from + UInt64(count)) }
        }
        return .object(JSONObject([("records", .array(records)), ("next", next)]))
    }

    /// `{seq, entry, leafHash, opened?, erased?}`: the stored envelope as JSON (an entry that is
    /// not JSON, which only `careledger log append` could have written, is given as
    /// `entryBase64`). A sealed entry's personal part comes as `opened: {body, salt}` — the full
    /// body and the salt, so the reader can check SHA-256(salt ‖ JCS(body)) against
    /// `entry.personal.commitment` — or, once erased, as `erased: true` (docs/http.md).
    /// Every role that may read records today may read their personal parts.
    func recordJSON(seq: UInt64, entry: [UInt8]) throws -> JSONObject {
        var object = JSONObject([("seq", .uint(seq))])
        if let value = try? JSONParser.parse(entry, maxDepth: 64) {
            object["entry"] = value
            if let opened = try sealed.opened(entry) {
                if let body = (try? JSONParser.parse(opened.entry, maxDepth: 64))?.objectValue?["body"] {
                    object["opened"] = .object(JSONObject([("body", body), ("salt", .string(Hex.encode(opened.salt)))]))
                }
            } else if SealedEntries.commitment(of: entry) != nil {
                object["erased"] = .bool(true)
            }
        } else {
            object["entry"] = .null
            object["entryBase64"] = .string(Base64.encode(entry))
        }
        object["leafHash"] = .string(try log.leafHash(at: seq).base64)
        return object
    }
}
