import DurableStorage
import Foundation
import Synchronization

/// A small JSON document kept in memory and written whole through the one durable-write path
/// (`DurableFile.replace`: temporary file, fdatasync, rename, directory fsync) before a
/// change is acknowledged. For the subject-code and objection stores: few writes, a person
/// at a desk behind each, so rewriting the file is cheaper to reason about than a journal.
package final class JSONFileStore<Value: Codable & Sendable>: Sendable {
    package let path: String
    private let io: StorageIO
    private let value: Mutex<Value>

    package init(path: String, empty: Value, io: StorageIO = PosixIO()) throws {
        self.path = path
        self.io = io
        if let bytes = try DurableFile.read(path) {
            do {
                value = Mutex(try JSONDecoder().decode(Value.self, from: Data(bytes)))
            } catch {
                throw MalformedFile(path: path, reason: "not the expected JSON")
            }
        } else {
            value = Mutex(empty)
        }
    }

    package func read<R: Sendable>(_ body: (Value) -> R) -> R {
        value.withLock { body($0) }
    }

    /// Changes the value and makes it durable; on a write failure the change is undone and
    /// the error thrown, so memory never runs ahead of the disk.
    package func update<R: Sendable>(_ body: (inout Value) throws -> R) throws -> R {
        try value.withLock { current in
            var copy = current
            let result = try body(&copy)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try DurableFile.replace(path, with: Array(try encoder.encode(copy)), mode: 0o600, io: io)
            current = copy
            return result
        }
    }
}
