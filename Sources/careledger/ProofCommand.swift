import ArgumentParser
import LedgerCrypto
import TransparencyLog

struct Proof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print RFC 9162 proofs as JSON. 'checkpoint' is the note the log signed at that size, or null if it signed none there.",
        subcommands: [Inclusion.self, Consistency.self]
    )

    struct Inclusion: AsyncParsableCommand {
        @OptionGroup var options: LogOptions
        @Option(help: "The entry's seq.") var seq: UInt64
        @Option(help: "Tree size to prove against (default: the latest checkpoint).") var size: UInt64?

        func run() async throws {
            let log = try TransparencyLog.openReadOnly(directory: options.directory)
            let size = size ?? log.size
            guard size <= log.size else { throw ValidationError("--size \(size) is beyond the log's size \(log.size)") }
            guard seq < size else { throw ValidationError("--seq \(seq) is not in a tree of size \(size)") }
            let proof = try log.inclusionProof(seq: seq, size: size)
            try printJSON(Output(seq: seq, size: size, leafHash: try log.leafHash(at: seq).base64,
                                 proof: proof.map(\.base64), checkpoint: try log.checkpoint(size: size)?.note))
        }

        struct Output: Encodable { let seq: UInt64; let size: UInt64; let leafHash: String; let proof: [String]; let checkpoint: String? }
    }

    struct Consistency: AsyncParsableCommand {
        @OptionGroup var options: LogOptions
        @Option(help: "The older tree size.") var from: UInt64
        @Option(help: "The newer tree size (default: the latest checkpoint).") var to: UInt64?

        func run() async throws {
            let log = try TransparencyLog.openReadOnly(directory: options.directory)
            let to = to ?? log.size
            guard to <= log.size else { throw ValidationError("--to \(to) is beyond the log's size \(log.size)") }
            guard from <= to else { throw ValidationError("--from must not exceed --to") }
            let proof = try log.consistencyProof(from: from, to: to)
            try printJSON(Output(from: from, to: to, proof: proof.map(\.base64), checkpoint: try log.checkpoint(size: to)?.note))
        }

        struct Output: Encodable { let from: UInt64; let to: UInt64; let proof: [String]; let checkpoint: String? }
    }
}
