import CreditRecords
import Hummingbird
import LedgerCore
import LedgerCrypto
import TransparencyLog

/// The log's read side: the C2SP checkpoint and tiles (`/log/…`) and RFC 9162 proofs.
extension LedgerServer {
    func addLogRoutes(to router: Router<LedgerRequestContext>) {
        on(router, .get, "/log/checkpoint") { _, _ in
            self.checkpoint(of: self.log)
        }
        on(router, .get, "/log/tile/**") { request, context in
            try self.tile(request, context, log: self.log, route: "/log/tile/**")
        }
        on(router, .get, "/v1/log/proof/inclusion") { request, _ in
            try self.inclusionProof(request)
        }
        on(router, .get, "/v1/log/proof/consistency") { request, _ in
            try self.consistencyProof(request)
        }
    }

    func checkpoint(of log: TransparencyLog) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: log.latestCheckpoint.note)))
    }

    /// Hash tiles are public and immutable (partial ones cached briefly, as the log grows past
    /// them); entry bundles name people, so they need a token of a role the table's `entries`
    /// row of the route admits, admitted (rate limits included) as every authenticated route.
    func tile(_ request: Request, _ context: LedgerRequestContext, log: TransparencyLog, route: String) throws -> Response {
        let prefix = String(route.dropLast("tile/**".count))
        let full = request.uri.path
        guard full.hasPrefix(prefix) else { throw Problem.notFound("There is no such tile.") }
        let path = String(full.dropFirst(prefix.count))
        let isBundle = path == "tile/entries" || path.hasPrefix("tile/entries/")
        if isBundle, case .roles(let readers) = Self.rule(.get, route, part: "entries").access {
            _ = try admit(request, roles: readers, address: context.clientAddress)
        }

        let tile: TilePath
        do {
            tile = try TilePath(parsing: path)
        } catch let error as TileError {
            // The reason, not the path: a path is client input and is not echoed.
            if case .malformedPath(_, let reason) = error {
                throw Problem.badRequest("Not a canonical C2SP tlog-tiles path: \(reason.contains("\"") ? "see the tlog-tiles spec" : reason).",
                                         slug: "bad-tile-path")
            }
            throw Problem.badRequest("Not a valid tile.", slug: "bad-tile-path")
        }
        let bytes: [UInt8]
        do {
            bytes = isBundle ? try log.entryBundle(tile) : try log.hashTile(tile)
        } catch let error as TileError {
            if case .notFound = error { throw Problem.notFound("The log has no such tile at its current size.") }
            throw logUnavailable(error)
        } catch {
            throw logUnavailable(error)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        if isBundle {
            headers[.cacheControl] = "no-store"  // names people (NoStoreMiddleware says so too)
        } else {
            headers[.cacheControl] = tile.isPartial ? "public, max-age=60" : "public, max-age=31536000, immutable"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A query number the route cannot do without.
    static func requiredQueryNumber(_ request: Request, _ name: String, errors: inout [Problem.Item]) -> UInt64? {
        let value = RequestInput.queryNumber(request, name, errors: &errors)
        if value == nil && !errors.contains(where: { $0.parameter == name }) {
            errors.append(Problem.Item(parameter: name, code: "required", message: "\(name) is required."))
        }
        return value
    }

    /// A tree size parameter: the latest checkpoint's size when absent, refused beyond it.
    static func treeSize(_ request: Request, _ name: String, latest: UInt64, errors: inout [Problem.Item]) -> UInt64 {
        guard let requested = RequestInput.queryNumber(request, name, errors: &errors) else { return latest }
        if requested > latest {
            errors.append(Problem.Item(parameter: name, code: "beyond_tree", message: "\(name) must not exceed the tree size \(latest)."))
        }
        return requested
    }

    /// `{seq, size, leafHash, proof, checkpoint}`; size defaults to the latest checkpoint's.
    func inclusionProof(_ request: Request) throws -> Response {
        var errors = [Problem.Item]()
        RequestInput.refuseUnknownParameters(request, known: ["seq", "size"], errors: &errors)
        let seq = Self.requiredQueryNumber(request, "seq", errors: &errors)
        let size = Self.treeSize(request, "size", latest: log.latestCheckpoint.checkpoint.size, errors: &errors)
        if let seq, errors.isEmpty, seq >= size {
            errors.append(Problem.Item(parameter: "seq", code: "out_of_range", message: "seq must be less than size (\(size))."))
        }
        guard errors.isEmpty, let seq else { throw Problem.badQuery(errors) }
        do {
            let proof = try log.inclusionProof(seq: seq, size: size)
            return JSONBody.response(.object(JSONObject([
                ("seq", .uint(seq)), ("size", .uint(size)),
                ("leafHash", .string(try log.leafHash(at: seq).base64)),
                ("proof", .array(proof.map { .string($0.base64) })),
                ("checkpoint", try signedNote(size: size)),
            ])))
        } catch {
            throw logUnavailable(error)
        }
    }

    /// `{from, to, proof, checkpoint}`; to defaults to the latest checkpoint's size.
    func consistencyProof(_ request: Request) throws -> Response {
        var errors = [Problem.Item]()
        RequestInput.refuseUnknownParameters(request, known: ["from", "to"], errors: &errors)
        let from = Self.requiredQueryNumber(request, "from", errors: &errors)
        let to = Self.treeSize(request, "to", latest: log.latestCheckpoint.checkpoint.size, errors: &errors)
        if let from, errors.isEmpty, from > to {
            errors.append(Problem.Item(parameter: "from", code: "out_of_range", message: "from must not exceed to (\(to))."))
        }
        guard errors.isEmpty, let from else { throw Problem.badQuery(errors) }
        do {
            let proof = try log.consistencyProof(from: from, to: to)
            return JSONBody.response(.object(JSONObject([
                ("from", .uint(from)), ("to", .uint(to)),
                ("proof", .array(proof.map { .string($0.base64) })),
                ("checkpoint", try signedNote(size: to)),
            ])))
        } catch {
            throw logUnavailable(error)
        }
    }

    /// The note the log signed at exactly `size`, or null when it signed none there.
    private func signedNote(size: UInt64) throws -> JSONValue {
        try log.checkpoint(size: size).map { .string($0.note) } ?? .null
    }
}

extension LedgerServer {
    func logUnavailable(_ error: any Error) -> Problem { Problem(ledger.logUnavailable(error)) }
}
