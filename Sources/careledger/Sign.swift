import ArgumentParser
import CreditRecords
import Foundation
import LedgerCrypto

struct Sign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a record file with a principal's Ed25519 key (adds clientSignature).",
        discussion: """
            The signature covers the RFC 8785 bytes of {"kind","body"}, with the body as the service \
            stores it (a lower-case x in an ID number becomes X). Register the public key with the \
            principal (POST /v1/principals {"publicKey": …}). --new-key makes a key pair first. \
            An inspector's lifetime ban, its revocation and a ban confirmation must be signed \
            (docs/records.md "Bans need two people").
            """
    )

    @Option(help: "PEM file of the Ed25519 private key.") var key: String
    @Option(name: .customLong("key-id"), help: "The keyId to put in the signature (e.g. the principal id).") var keyID: String?
    @Option(help: "Record file {\"kind\",\"body\"} (- for standard input).") var file: String?
    @Argument(help: "The record file, as --file.") var record: String?
    @Flag(name: .customLong("new-key"), help: "Write a new private key to --key and print its public key.") var newKey = false

    func run() async throws {
        if newKey {
            guard !FileManager.default.fileExists(atPath: key) else { throw ValidationError("\(key) exists; refusing to overwrite a key") }
            let privateKey = Ed25519PrivateKey()
            guard FileManager.default.createFile(atPath: key, contents: Data(privateKey.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(key)")
            }
            print("publicKey: \(Base64.encode(privateKey.publicKey.rawRepresentation))")
            return
        }
        guard let file = file ?? record, let keyID else { throw ValidationError("a record file (--file or an argument) and --key-id are required to sign") }
        guard let pem = FileManager.default.contents(atPath: key) else { throw ValidationError("cannot read \(key)") }
        let privateKey = try Ed25519PrivateKey(pemRepresentation: String(decoding: pem, as: UTF8.self))
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                printError("cannot read the record file \(file)")
                throw ExitCode(1)
            }
            bytes = Array(data)
        }
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch {
            printError("the record file \(file) is not JSON: \(error)")
            throw ExitCode(1)
        }
        let signed = try ClientSigning.sign(document, with: privateKey, keyId: keyID)
        FileHandle.standardOutput.write(Data(try CanonicalJSON.encode(signed) + [0x0A]))
    }
}
