extension RecordValidator {
    /// An enforcement decision's `lifts` (解除, 行政强制法 art. 28) names the measure it ends:
    /// an enforcement record in the log (`target_not_found`, `target_kind`) that is not
    /// revoked (`target_revoked`), decided no later than the lift (`date_order`). That it is
    /// against the same party is not checked (`RecordLookup` keeps no subjects); the index
    /// only lifts a seal of the institution the lift names.
    static func liftRule(body: JSONObject, context: ValidationContext, sink: ErrorSink) {
        guard let n = body["lifts"]?.integerValue, let seq = UInt64(exactly: n) else { return }
        guard let measure = context.lookup.summary(of: seq) else {
            sink.add("/body/lifts", "target_not_found", "lifts must be the seq of a record in the log")
            return
        }
        if measure.kind != .enforcement {
            sink.add("/body/lifts", "target_kind", "lifts must name an enforcement measure")
        } else if measure.isRevoked {
            sink.add("/body/lifts", "target_revoked", "the measure lifts names has been revoked")
        }
        if let decidedAt = body["decidedAt"]?.stringValue.flatMap(LocalDate.init(iso:)), let earlier = measure.decidedAt, decidedAt < earlier {
            sink.add("/body/decidedAt", "date_order", "a lift must not be dated before the measure it lifts")
        }
    }
}
