import CreditExport
import Foundation
import LedgerCore
import LedgerCrypto
import Logging
import ServiceLifecycle

/// `careledger serve --export-every 15m --export-to DIR|URL`: the periodic export inside the
/// service process, as a service beside the HTTP server (a graceful shutdown ends the wait
/// for the next run; a run under way finishes first). Each run opens the records log read-only (beside the service's own
/// writer) and does exactly what `careledger export --data` does; an alarm stops the schedule
/// (the log disagrees with what was exported: an operator must look), other failures are
/// retried at the next tick.
struct ExportSchedule: Service {
    let every: Duration
    let logDirectory: String
    let spool: String
    /// `--export-to URL` with its token and CA file; nil: batches stay in the spool.
    let target: HTTPBatchTarget?
    /// `--export-include`: the optional kinds every scheduled batch maps.
    var mapping = MappingOptions()
    /// `--export-profile`: the target profile of every scheduled batch.
    var profile = ExportProfile.builtin(ExportProfile.defaultName)!
    let logger: Logger
    /// The service's own vault opens sealed entries (docs/export.md "Sealed records").
    var open: (@Sendable ([UInt8]) throws -> [UInt8])?
    /// Held for each run, so no erasure runs beside it (LedgerCore's PlatformExport).
    var platformExport: PlatformExport?

    /// "90s", "15m", "2h", "1d".
    static func parseDuration(_ text: String) -> Duration? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n > 0 else { return nil }
        switch unit {
        case "s": return .seconds(n)
        case "m": return .seconds(n * 60)
        case "h": return .seconds(n * 3600)
        case "d": return .seconds(n * 86400)
        default: return nil
        }
    }

    func run() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
            } catch { return }
            do {
                let source = try LogDirectorySource(logDirectory: logDirectory)
                // The export's manifest key beside the log directory; the log's own key only for a
                // data directory from before the split.
                let exportKey = (logDirectory as NSString).deletingLastPathComponent + "/export-signing-key.pem"
                let pem = try String(contentsOfFile: FileManager.default.fileExists(atPath: exportKey) ? exportKey : logDirectory + "/signing-key.pem",
                                     encoding: .utf8)
                var options = Exporter.Options(source: source, verifier: source.log.verifier, signingKey: try Ed25519PrivateKey(pemRepresentation: pem),
                                               spool: spool, target: target)
                options.mapping = mapping
                options.open = open
                options.profile = profile
                let exporter = try Exporter(options: options)
                await platformExport?.beginRun()
                defer { platformExport?.endRun() }
                let report = try await exporter.run()
                if let built = report.built { logger.info("export: built batch \(built) (\(report.records) records)") }
                for pushed in report.pushed { logger.info("export: pushed \(pushed)") }
            } catch let error as ExportError where error.isAlarm {
                logger.critical("export: \(error.description) The schedule is stopped until the service restarts.")
                return
            } catch let error as ExportError where error.isConfiguration {
                // The spool was made with another --export-include: every later run would fail the same way.
                logger.critical("export: \(error.description). The schedule is stopped until the service restarts.")
                return
            } catch {
                logger.error("export: \(error); retrying at the next run")
            }
        }
    }
}
