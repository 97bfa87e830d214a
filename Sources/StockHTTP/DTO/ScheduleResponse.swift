import StockProjection

/// The answer of `GET /v1/availability/{sku}/schedule`: one schedule per variant the path names.
struct ScheduleResponse: JSONWritable {
    /// Which source commit the figures reflect.
    var asOf: AsOf
    /// The schedules, in variant-id order.
    var items: [ScheduleItem]

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("as_of")
        json.value(asOf)
        json.key("items")
        json.beginArray()
        for item in items { json.value(item) }
        json.endArray()
        json.endObject()
    }
}

/// One variant's available-to-promise schedule over a scope.
struct ScheduleItem: JSONWritable {
    /// `product_product.id`.
    var variantID: VariantID
    /// `default_code`.
    var sku: String?
    /// Whether the variant is a kit (kits have no schedule of their own: `steps` is empty).
    var kit: Bool
    /// On hand in the scope now.
    var onHand: Quantity
    /// Odoo's forecast over the scope (the last step's `projected`, or on hand without steps).
    var forecast: Quantity
    /// The dated steps, in date order.
    var steps: [ScheduleStep]

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("variant_id")
        json.integer(variantID.rawValue)
        json.key("sku")
        json.string(sku)
        json.key("kit")
        json.bool(kit)
        json.key("on_hand")
        json.quantity(onHand)
        json.key("forecast")
        json.quantity(forecast)
        json.key("steps")
        json.beginArray()
        for step in steps {
            json.beginObject()
            json.key("date")
            json.string(ISO8601Timestamp.string(fromMicroseconds: step.date))
            json.key("incoming")
            json.quantity(step.incoming)
            json.key("outgoing")
            json.quantity(step.outgoing)
            json.key("projected")
            json.quantity(step.projected)
            json.key("available_to_promise")
            json.quantity(step.availableToPromise)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }
}
