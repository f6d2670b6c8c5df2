import Foundation
import Synchronization
import LedgerTestSupport
import Testing
@testable import TransparencyLog

/// The two hooks a batch passes before it is signed: `beforeCommit` (state the entries depend
/// on made durable) and the fence read after it (that state was not lost meanwhile). The core
/// hangs its vault on them; here they are plain counters.
@Suite struct CommitHookTests {
    struct Refused: Error {}

    /// A value the hooks read and the test sets.
    final class Shared<Value: Sendable>: Sendable {
        private let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
        var current: Value { value.withLock { $0 } }
        func set(_ new: Value) { value.withLock { $0 = new } }
        /// Sets `new` and answers what was there.
        func exchange(_ new: Value) -> Value { value.withLock { let old = $0; $0 = new; return old } }
    }

    /// Opens a new log whose fence is `fence` and whose beforeCommit throws while `refuse` is
    /// set, running `duringCommit` first (to move the fence while a batch is being committed).
    static func open(_ dir: TemporaryDirectory, fence: Shared<UInt64>, refuse: Shared<Bool> = Shared(false),
                     duringCommit: (@Sendable () -> Void)? = nil) throws -> TransparencyLog {
        try TransparencyLog.create(directory: dir.path, origin: "test.example/hooks", signingKey: testSigningKey)
        var options = TransparencyLog.Options()
        options.beforeCommit = {
            duringCommit?()
            if refuse.current { throw Refused() }
        }
        options.fence = { fence.current }
        return try TransparencyLog.open(directory: dir.path, options: options)
    }

    @Test func aBatchWhoseBeforeCommitThrowsStoresNothing() async throws {
        let dir = TemporaryDirectory()
        let refuse = Shared(false)
        let log = try Self.open(dir, fence: Shared(0), refuse: refuse)
        _ = try await log.append(testEntry(1))
        refuse.set(true)
        await #expect(throws: Refused.self) { _ = try await log.append(testEntry(2)) }
        await #expect(throws: Refused.self) { _ = try await log.append(testEntry(3), fence: 0) }
        #expect(log.size == 1)
        refuse.set(false)
        let next = try await log.append(testEntry(4))
        #expect(next.seq == 1)
        try await log.close()
        let reopened = try TransparencyLog.openReadOnly(directory: dir.path)
        #expect(reopened.size == 2)
        #expect(try reopened.entry(at: 1) == testEntry(4))
    }

    @Test func anEntryUnderAnOlderFenceIsRefusedAndNothingIsStored() async throws {
        let dir = TemporaryDirectory()
        let fence = Shared<UInt64>(0)
        let log = try Self.open(dir, fence: fence)
        #expect(try await log.append(testEntry(1), fence: 0).seq == 0)
        fence.set(1)
        await #expect(throws: LogError.fenced(entry: 0, current: 1)) { _ = try await log.append(testEntry(2), fence: 0) }
        #expect(log.size == 1)
        // Under the current fence, and with none at all, entries are taken.
        #expect(try await log.append(testEntry(3), fence: 1).seq == 1)
        #expect(try await log.append(testEntry(4)).seq == 2)
        try await log.close()
        let reopened = try TransparencyLog.openReadOnly(directory: dir.path)
        #expect(reopened.size == 3)
        #expect(try [0, 1, 2].map { try reopened.entry(at: $0) } == [testEntry(1), testEntry(3), testEntry(4)])
    }

    /// The fence is read after beforeCommit: one that moves while beforeCommit runs (the
    /// vault recovering while the batch's sync is under way) still refuses the batch.
    @Test func aFenceThatMovesDuringBeforeCommitRefusesTheBatch() async throws {
        let dir = TemporaryDirectory()
        let fence = Shared<UInt64>(0)
        let moveOnce = Shared(false)
        let log = try Self.open(dir, fence: fence) {
            if moveOnce.exchange(false) { fence.set(fence.current + 1) }
        }
        moveOnce.set(true)
        await #expect(throws: LogError.fenced(entry: 0, current: 1)) { _ = try await log.append(testEntry(1), fence: 0) }
        #expect(log.size == 0)
        #expect(try await log.append(testEntry(2), fence: 1).seq == 0)
        try await log.close()
    }
}
