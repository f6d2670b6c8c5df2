import Foundation
import LedgerCrypto
import TransparencyLog

/// `careledger export verify-batch`: checks a batch directory on its own, with nothing but
/// the log's verifier key — the signature over manifest.json, the signed checkpoint it
/// carries (and that its size ends the range), every file's SHA-256, size and row count, and
/// that no file is missing or extra. The manifest is signed by the export's own key
/// (`manifestKey`, issue 17: the checkpoint key never leaves the log writer); batches made
/// before that were signed by the log's key, which is used when no manifest key is given.
public enum BatchVerifier {
    @discardableResult
    public static func verify(directory: String, verifier: NoteVerifier, manifestKey: Ed25519PublicKey? = nil) throws -> Manifest {
        func read(_ name: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                throw ExportError.invalidBatch("\(name) is missing")
            }
            return Array(data)
        }
        let bytes = try read(Manifest.fileName)
        let sigText = String(decoding: try read(Manifest.signatureFileName), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let signer = manifestKey ?? verifier.publicKey
        guard let signature = Base64.decode(sigText), signer.isValidSignature(signature, for: bytes) else {
            throw ExportError.invalidBatch("manifest.sig is not a signature of manifest.json by the \(manifestKey == nil ? "log's key \(verifier.vkey)" : "export's manifest key")")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: Data(bytes)) } catch {
            throw ExportError.invalidBatch("manifest.json does not parse: \(error)")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.open(note: manifest.checkpoint, verifier: verifier) } catch {
            throw ExportError.invalidBatch("the manifest's checkpoint does not verify: \(error)")
        }
        guard checkpoint.size == manifest.range.to, manifest.range.from <= manifest.range.to else {
            throw ExportError.invalidBatch("the range \(manifest.range.from)..<\(manifest.range.to) does not end at the checkpoint's size \(checkpoint.size)")
        }
        guard manifest.origin == checkpoint.origin,
              manifest.batchId == Manifest.batchId(origin: manifest.origin, from: manifest.range.from, to: manifest.range.to) else {
            throw ExportError.invalidBatch("the batch id \(manifest.batchId) does not belong to its origin and range")
        }
        guard let mapping = manifest.mappingOptions else {
            throw ExportError.invalidBatch("includedKinds \(manifest.includedKinds ?? []) names a kind that cannot be included")
        }
        var profile: ExportProfile?
        if let name = manifest.profile {
            // The batch's own profile.json says which files it must hold (checked against its
            // SHA-256 in the signed manifest first).
            guard let entry = manifest.files.first(where: { $0.name == ProfileFiles.profile }) else {
                throw ExportError.invalidBatch("the manifest names profile \(name) but lists no \(ProfileFiles.profile)")
            }
            let bytes = try read(ProfileFiles.profile)
            guard SHA256.hash(bytes).hex == entry.sha256 else { throw ExportError.invalidBatch("\(ProfileFiles.profile) does not match its SHA-256 in the manifest") }
            do { profile = try ExportProfile(json: bytes) } catch { throw ExportError.invalidBatch("\(ProfileFiles.profile) does not load: \(error)") }
            guard profile!.name == name else { throw ExportError.invalidBatch("\(ProfileFiles.profile) is profile \(profile!.name), the manifest says \(name)") }
        }
        let expected = Set(profile?.dataFileNames(mapping) ?? Manifest.dataFileNames(mapping))
        let listed = Set(manifest.files.map(\.name))
        guard listed == expected else { throw ExportError.invalidBatch("the manifest lists \(listed.sorted()), expected \(expected.sorted())") }
        let present = Set((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        let extra = present.subtracting(expected).subtracting([Manifest.fileName, Manifest.signatureFileName])
        guard extra.isEmpty else { throw ExportError.invalidBatch("files not in the manifest: \(extra.sorted())") }
        for file in manifest.files {
            let data = try read(file.name)
            guard SHA256.hash(data).hex == file.sha256, data.count == file.bytes else {
                throw ExportError.invalidBatch("\(file.name) does not match its SHA-256 in the manifest")
            }
            // A workbook's rows are in its zip (its SHA-256 above covers them); profile.json has none.
            if file.name.hasSuffix(".xlsx") || file.name == ProfileFiles.profile { continue }
            let rows = file.name.hasSuffix(".csv") ? csvRecords(data) - 1 : data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            guard rows == file.rows else {
                throw ExportError.invalidBatch("\(file.name) has \(rows) rows, the manifest says \(file.rows)")
            }
        }
        return manifest
    }

    /// CSV records: CRLFs outside quoted fields (a field may hold a quoted line break; a
    /// doubled quote inside a field toggles twice, so it never ends the field).
    static func csvRecords(_ data: some Sequence<UInt8>) -> Int {
        var quoted = false, count = 0, previous: UInt8 = 0
        for b in data {
            if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == 0x0A, previous == 0x0D, !quoted { count += 1 }
            previous = b
        }
        return count
    }
}
