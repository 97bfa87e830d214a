import StockProjection

extension SnapshotReader {
    /// The variants a path segment names: those with it as SKU, or the variant with it as numeric id.
    ///
    /// - Throws: 404 when nothing matches.
    func variants(named text: String) throws(APIProblem) -> VariantMatches {
        var variants = snapshot.variants(sku: text)
        if variants.isEmpty, let raw = Int32(text), raw > 0, snapshot.containsVariant(VariantID(raw)) {
            variants = [VariantID(raw)]
        }
        guard !variants.isEmpty else {
            throw APIProblem(kind: .unknownProduct, detail: "no variant with SKU or id '\(text)'", parameter: "sku")
        }
        return variants
    }

    /// One variant's schedule over a scope; `nil` for an unknown variant.
    func schedule(for id: VariantID, in scope: ResolvedScope, toDate: Int64?) -> ScheduleItem? {
        guard let variant = snapshot.variant(id) else { return nil }
        let (onHand, steps) = snapshot.schedule(for: id, in: scope, toDate: toDate)
        let forecast = snapshot.forecast(for: id, in: scope, toDate: toDate).forecast
        return ScheduleItem(variantID: id, sku: variant.sku, kit: snapshot.isKit(id), onHand: onHand, forecast: forecast, steps: steps)
    }
}
