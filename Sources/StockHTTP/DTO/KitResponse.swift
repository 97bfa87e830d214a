/// The answer of `GET /v1/kits/{sku}`: one explanation per kit variant the path names.
struct KitResponse: JSONWritable {
    /// Which source commit the figures reflect.
    var asOf: AsOf
    /// The kits, in variant-id order.
    var items: [KitExplanation]

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
