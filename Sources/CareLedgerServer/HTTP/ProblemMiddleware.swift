import Hummingbird
import LedgerCore
import Logging

/// The outermost middleware: turns every error into an RFC 9457 problem (so nothing escapes
/// as a bare 500), writes one structured log line per request (request id, method, route
/// template, status, latency; never the raw path, a body or a header) and counts errors.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        // Titles, details and field messages in Chinese when asked (ProblemLanguage.swift).
        let language = ProblemLanguage.from(acceptLanguage: request.headers[values: .acceptLanguage])
        do {
            response = try await next(request, context)
        } catch let problem as Problem {
            response = problem.localized(language).response()
        } catch let refusal as Refusal {
            response = Problem(refusal).localized(language).response()
        } catch let error as any HTTPResponseError {
            response = Problem.from(status: error.status).localized(language).response()
        } catch {
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            response = Problem.internalError().localized(language).response()
        }
        let route = Self.route(context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let status = Int(response.status.code)
        context.logger.log(level: status >= 500 ? .error : .info, "request", metadata: [
            "http.method": "\(request.method.rawValue)",
            "http.route": "\(route)",
            "http.status": "\(status)",
            "latency_ms": "\((milliseconds * 1000).rounded() / 1000)",
        ])
        if status >= 400 { metrics.recordError(route: route, status: status) }
        return response
    }

    static func route(_ context: Context) -> String {
        guard let path = context.endpointPath, path != "NotFound" else { return "unmatched" }
        return path
    }
}
