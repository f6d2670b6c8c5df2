import ArgumentParser
import Foundation
import TransparencyLog

/// The service's data directory holds one log per purpose: `records` (the credit records),
/// `access` (who checked whom) and `principal-log` (who may act). `--log` picks one for the
/// log commands.
enum DataDirectory {
    static let defaultOrigin = "careledger.local/records"

    static func logDirectory(data: String, log: LogName) -> String {
        (data.hasSuffix("/") ? String(data.dropLast()) : data) + "/" + log.rawValue
    }
}

enum LogName: String, CaseIterable, ExpressibleByArgument {
    case records
    case access
    case principals = "principal-log"
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// JSON for people and scripts: sorted keys, slashes unescaped (base64 has them).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
