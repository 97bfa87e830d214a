import StockProjection

/// The answer of `POST /v1/availability/check`: whether a cart can be sold from a scope, line by line.
struct CartCheckResponse: JSONWritable {
    /// Which source commit the figures reflect.
    var asOf: AsOf
    /// Whether every line can be sold in full and every product was found.
    var ok: Bool
    /// The lines whose product was found, in cart order.
    var lines: [Line]
    /// The SKUs and variant ids (as given) that matched no variant.
    var missing: [String]

    /// One line's answer.
    struct Line: JSONWritable {
        /// The line's position in the request's `lines`.
        var index: Int
        /// The variant's SKU.
        var sku: String?
        /// The ``KitProblem/code`` of a kit whose BoM cannot be computed.
        var invalid: String?
        /// The domain's answer.
        var line: CartCheck.Line

        func write(to json: inout JSONWriter) {
            json.beginObject()
            json.key("index")
            json.integer(index)
            json.key("sku")
            json.string(sku)
            json.key("variant_id")
            json.integer(line.variantID.rawValue)
            json.key("kit")
            json.bool(line.isKit)
            if let invalid {
                json.key("invalid")
                json.string(invalid)
            }
            json.key("requested")
            json.quantity(line.requested)
            json.key("allocated")
            json.quantity(line.allocated)
            json.key("shortfall")
            json.quantity(line.shortfall)
            json.key("ok")
            json.bool(line.ok)
            json.endObject()
        }
    }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("as_of")
        json.value(asOf)
        json.key("ok")
        json.bool(ok)
        json.key("lines")
        json.beginArray()
        for line in lines { json.value(line) }
        json.endArray()
        json.key("missing")
        json.beginArray()
        for identifier in missing { json.string(identifier) }
        json.endArray()
        json.endObject()
    }
}
