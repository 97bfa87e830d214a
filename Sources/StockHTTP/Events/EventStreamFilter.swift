import StockProjection

/// Which events a `GET /v1/events` stream carries: `rule`, `sku`, `warehouse` and `type`, each repeatable.
///
/// Values of one parameter are alternatives, different parameters must all hold: `type=out_of_stock&
/// type=back_in_stock&warehouse=WH2` is "sold out or back in stock, in WH2". `warehouse` is a warehouse id (digits) or
/// code (anything not all digits), and matches only per-warehouse events (`scope.kind` `warehouse`): a `total` or `location` event has no
/// warehouse. No parameter at all streams every event.
struct EventStreamFilter: Sendable, Equatable {
    /// The event types a rule can fire.
    static let types: Set<String> = ["out_of_stock", "back_in_stock", "low_stock", "changed"]
    /// The parameters of `GET /v1/events`.
    static let parameters: Set<String> = ["rule", "sku", "warehouse", "type", "last_event_id"]

    /// Rule ids (empty: any).
    var rules: Set<String> = []
    /// SKUs (empty: any).
    var skus: Set<String> = []
    /// Warehouse ids (empty together with ``warehouseCodes``: any).
    var warehouseIDs: Set<Int64> = []
    /// Warehouse codes.
    var warehouseCodes: Set<String> = []
    /// Event types (empty: any).
    var types: Set<String> = []

    /// A filter that lets everything through.
    init() {}

    /// Reads the filter from the query.
    ///
    /// - Parameters:
    ///   - query: The request's parameters (already restricted to ``parameters``).
    ///   - maxValues: The most values in all (`http.max_identifiers`).
    /// - Throws: ``APIProblem`` 400 for an empty value, one over 256 characters, an unknown type or a malformed
    ///   warehouse id; 422 for too many.
    init(query: QueryParameters, maxValues: Int) throws(APIProblem) {
        var count = 0
        func each(_ name: String, _ body: (String) throws(APIProblem) -> Void) throws(APIProblem) {
            try query.forEachValue(of: name) { (value: String) throws(APIProblem) in
                guard !value.isEmpty else { throw APIProblem.malformed(name, "an empty value") }
                guard value.unicodeScalars.count <= 256 else { throw APIProblem.malformed(name, "longer than 256 characters") }
                count += 1
                if count > maxValues {
                    throw APIProblem(
                        kind: .tooManyIdentifiers, detail: "more than \(maxValues) filter values (http.max_identifiers)", parameter: name)
                }
                try body(value)
            }
        }
        try each("rule") { rules.insert($0) }
        try each("sku") { skus.insert($0) }
        try each("type") { (value: String) throws(APIProblem) in
            guard Self.types.contains(value) else {
                throw APIProblem.malformed("type", "'\(value)' is not an event type; expected one of \(Self.types.sorted().joined(separator: ", "))")
            }
            types.insert(value)
        }
        try each("warehouse") { (value: String) throws(APIProblem) in
            // Digits are an id (1 to 10 digits, no leading zero); anything else is a code.
            guard value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                warehouseCodes.insert(value)
                return
            }
            guard value.utf8.count <= 10, value.utf8.first != UInt8(ascii: "0"), let id = Int64(value) else {
                throw APIProblem.malformed("warehouse", "'\(value)' is not a warehouse id (1 to 10 digits, no leading zero) or code")
            }
            warehouseIDs.insert(id)
        }
    }

    /// Whether a stream with this filter carries the event.
    func matches(_ event: StreamedEvent) -> Bool {
        if !rules.isEmpty && !rules.contains(event.ruleID) { return false }
        if !types.isEmpty && !types.contains(event.type) { return false }
        if !skus.isEmpty {
            guard let sku = event.sku, skus.contains(sku) else { return false }
        }
        if !warehouseIDs.isEmpty || !warehouseCodes.isEmpty {
            let byID = event.warehouseID.map { warehouseIDs.contains($0) } ?? false
            let byCode = event.warehouseCode.map { warehouseCodes.contains($0) } ?? false
            if !byID && !byCode { return false }
        }
        return true
    }
}
