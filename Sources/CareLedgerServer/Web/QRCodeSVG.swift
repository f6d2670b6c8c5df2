import CQREncode

/// A QR code as inline SVG, for the printed check receipt. libqrencode does the encoding
/// (Reed-Solomon, masking, version choice); this only draws its modules. Inline SVG needs no
/// image request, so the CSP stays `'self'` and the receipt prints crisp at any size.
enum QRCodeSVG {
    /// Nil only when libqrencode refuses the text (far longer than a receipt URL).
    static func svg(for text: String, label: String) -> String? {
        // Medium error correction: a printed, folded receipt still scans.
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width), quiet = 4, size = width + 2 * quiet
        var path = ""
        path.reserveCapacity(width * width * 4)
        for y in 0..<width {
            for x in 0..<width where code.pointee.data[y * width + x] & 1 == 1 {
                path += "M\(x + quiet) \(y + quiet)h1v1h-1z"
            }
        }
        return #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(size) \#(size)" role="img" aria-label="\#(label)" shape-rendering="crispEdges"><rect width="\#(size)" height="\#(size)" fill="white"/><path d="\#(path)" fill="black"/></svg>"#
    }
}
