import StockProjection

/// The answer of `GET /v1/availability` and `POST /v1/availability/query`, written as it is read: each item goes
/// to the JSON writer as soon as its figures are known, so no array of items (nor a `String` per item) is built.
///
/// Each identifier expands to its variants in id order (a shared SKU gives all of them); a variant named twice
/// appears once, where first named. Identifiers matching nothing go to `missing`, in request order: SKUs, then
/// barcodes, variant ids and template ids.
struct AvailabilityAnswer: JSONWritable {
    /// The snapshot the answer is read from.
    let reader: SnapshotReader
    /// The question.
    let query: AvailabilityQuery
    /// Its scope, resolved from the reader's snapshot.
    let scope: ResolvedScope
    /// Which source commit the figures reflect.
    let asOf: AsOf

    /// Writes `{"as_of":…,"items":[…],"missing":[…]}`.
    ///
    /// - Complexity: O(identifiers + quants of the variants found); allocates only for a SKU, barcode or
    ///   breakdown that needs it, one table to drop repeated variants when several identifiers are given, and the
    ///   positions of the identifiers that match nothing.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("as_of")
        json.value(asOf)
        json.key("items")
        json.beginArray()
        var seen = VariantIDSet(capacity: query.identifierCount > 1 ? query.identifierCount : 0)
        // The positions of the identifiers that name nothing, counted over SKUs, barcodes, variant ids, template ids.
        var missing: [Int32] = []
        var position: Int32 = 0
        let snapshot = reader.snapshot

        func add(_ variants: VariantMatches, knownSKU: String?, to json: inout JSONWriter) {
            defer { position += 1 }
            guard !variants.isEmpty else {
                missing.append(position)
                return
            }
            for id in variants where seen.isDisabled || seen.insert(id) {
                guard var item = reader.item(for: id, in: scope, grouping: query.grouping, knownSKU: knownSKU) else { continue }
                if query.forecast.isRequested {
                    item.forecast = (snapshot.forecast(for: id, in: scope, toDate: query.forecast.toDate), query.forecast.fields)
                }
                if query.onlyAvailable && item.figures.available <= .zero { continue }
                json.value(item)
            }
        }
        for sku in query.skus { add(snapshot.variants(sku: sku), knownSKU: sku, to: &json) }
        for barcode in query.barcodes { add(snapshot.variants(barcode: barcode), knownSKU: nil, to: &json) }
        for id in query.variantIDs {
            let variant = id.value.map { VariantID($0) }
            add(variant.flatMap { snapshot.containsVariant($0) ? VariantMatches($0) : nil } ?? VariantMatches(), knownSKU: nil, to: &json)
        }
        for id in query.templateIDs {
            add(id.value.map { snapshot.variants(template: TemplateID($0)) } ?? VariantMatches(), knownSKU: nil, to: &json)
        }
        json.endArray()
        json.key("missing")
        json.beginArray()
        for position in missing { json.string(identifier(at: Int(position))) }
        json.endArray()
        json.endObject()
    }

    /// The text of the identifier at `position` over SKUs, barcodes, variant ids and template ids, as given.
    private func identifier(at position: Int) -> String {
        var position = position
        if position < query.skus.count { return query.skus[position] }
        position -= query.skus.count
        if position < query.barcodes.count { return query.barcodes[position] }
        position -= query.barcodes.count
        if position < query.variantIDs.count { return query.variantIDs[position].text }
        return query.templateIDs[position - query.variantIDs.count].text
    }

    /// An estimate of the answer's size (at most a mebibyte), to reserve the writer's buffer once.
    var capacityHint: Int {
        // An item writes about 250 bytes without breakdown, but reserves room for its longest form (about 600 bytes
        // with a 20-byte SKU and a barcode) before writing: the buffer must not grow for the last item.
        let perItem = query.grouping == .total ? 640 : 1_024
        return min(192 + perItem * query.identifierCount, 1 << 20)
    }
}

/// A set of variant ids in one open-addressing table sized for a known number of insertions: one allocation,
/// where a `Set` grows (and rehashes) several times over a 100-identifier question.
struct VariantIDSet {
    private var slots: [Int32]
    private let mask: Int
    private var held = 0
    private let limit: Int

    /// A slot no id takes (Odoo ids are positive).
    private static var empty: Int32 { .min }

    /// A set for about `capacity` ids; a capacity of zero makes a disabled set (see ``isDisabled``), which allocates
    /// nothing.
    init(capacity: Int) {
        guard capacity > 0 else {
            slots = []
            mask = 0
            limit = 0
            return
        }
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [Int32](repeating: Self.empty, count: size)
        mask = size - 1
        limit = size * 3 / 4
    }

    /// Whether the set was made with no capacity: a question naming one identifier cannot name a variant twice.
    var isDisabled: Bool { slots.isEmpty }

    /// Adds `id`; returns whether it was not there yet.
    mutating func insert(_ id: VariantID) -> Bool {
        if held >= limit { grow() }
        let raw = id.rawValue
        let mask = self.mask
        let inserted = slots.withUnsafeMutableBufferPointer { slots in
            var index = Int(truncatingIfNeeded: (UInt32(bitPattern: raw) &* 0x9E37_79B1) >> 7) & mask
            while true {
                let slot = slots[index]
                if slot == raw { return false }
                if slot == Self.empty {
                    slots[index] = raw
                    return true
                }
                index = (index + 1) & mask
            }
        }
        if inserted { held += 1 }
        return inserted
    }

    /// Doubles the table (a variant named by many identifiers: a template of thousands of variants).
    private mutating func grow() {
        var bigger = VariantIDSet(capacity: slots.count)
        for slot in slots where slot != Self.empty { _ = bigger.insert(VariantID(slot)) }
        self = bigger
    }
}
