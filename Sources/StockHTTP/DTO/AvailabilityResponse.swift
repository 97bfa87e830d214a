/// The answer of `GET /v1/availability` and `POST /v1/availability/query`.
struct AvailabilityResponse: JSONWritable {
    /// Which source commit the figures reflect.
    var asOf: AsOf
    /// One item per variant found, in request order (each identifier's variants in id order, no repeats).
    var items: [AvailabilityItem]
    /// The identifiers that matched no variant, as given.
    var missing: [String]

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("as_of")
        json.value(asOf)
        json.key("items")
        json.beginArray()
        for item in items { json.value(item) }
        json.endArray()
        json.key("missing")
        json.beginArray()
        for identifier in missing { json.string(identifier) }
        json.endArray()
        json.endObject()
    }
}
