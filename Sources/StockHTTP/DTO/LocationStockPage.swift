/// One page of `GET /v1/locations/{location}/stock`: the variants with a non-zero figure in the scope.
struct LocationStockPage: JSONWritable {
    /// Which source commit the figures reflect.
    var asOf: AsOf
    /// What `{location}` resolved to.
    var scope: ScopeDescription
    /// Variants in id order, each with its total over the scope.
    var items: [AvailabilityItem]
    /// The `cursor` for the next page, `nil` on the last page.
    var nextCursor: String?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("as_of")
        json.value(asOf)
        json.key("scope")
        json.value(scope)
        json.key("items")
        json.beginArray()
        for item in items { json.value(item) }
        json.endArray()
        json.key("next_cursor")
        json.string(nextCursor)
        json.endObject()
    }
}
