import StockProjection

/// An outbox record as the event stream handles it: the record, plus the few members of its JSON that the
/// stream's filters look at, read once when the record is published or read back from the outbox.
struct StreamedEvent: Sendable, Equatable {
    /// The record's position (its id is `key.description`).
    let key: OutboxKey
    /// The event's JSON, as stored and as webhooks deliver it.
    let payload: [UInt8]
    /// `type` (`out_of_stock`, `back_in_stock`, `low_stock`, `changed`).
    let type: String
    /// `rule_id`.
    let ruleID: String
    /// `product.sku`, if the variant has one.
    let sku: String?
    /// `scope.warehouse_id`, for per-warehouse events.
    let warehouseID: Int64?
    /// `scope.warehouse_code`, for per-warehouse events.
    let warehouseCode: String?

    /// Reads the filtered members of a record's JSON.
    ///
    /// A payload that is not a JSON object (never written by stockd) still streams, with type `unknown`, and
    /// matches only an unfiltered stream.
    init(record: OutboxRecord) {
        key = record.key
        payload = record.payload
        var type = "unknown"
        var ruleID = ""
        var sku: String?
        var warehouseID: Int64?
        var warehouseCode: String?
        if case .object(let members) = try? JSONParser.parse(record.payload) {
            for (name, value) in members {
                switch (name, value) {
                case ("type", .string(let text)): type = text
                case ("rule_id", .string(let text)): ruleID = text
                case ("product", .object(let product)):
                    for case ("sku", .string(let text)) in product { sku = text }
                case ("scope", .object(let scope)):
                    for (member, field) in scope {
                        switch (member, field) {
                        case ("warehouse_id", .number(let text)): warehouseID = Int64(text)
                        case ("warehouse_code", .string(let text)): warehouseCode = text
                        default: break
                        }
                    }
                default: break
                }
            }
        }
        self.type = type
        self.ruleID = ruleID
        self.sku = sku
        self.warehouseID = warehouseID
        self.warehouseCode = warehouseCode
    }

    /// The event id (`evt_<lsn>_<n>`).
    var id: String { key.description }

    /// The event as Server-Sent Event bytes: `id`, `event` (the type) and `data` (the JSON).
    var frame: [UInt8] { ServerSentEvent.event(id: id, type: type, data: payload) }
}
