extension AvailabilityQuery {
    /// Reads a question from `GET /v1/availability`'s query string.
    ///
    /// Product identifiers may repeat and may be comma-separated (`sku=A,B&sku=C`); warehouse and location
    /// filters may repeat but are never split, since location names can contain commas.
    ///
    /// - Throws: 400 for malformed values, 422 over the identifier limit.
    init(query: QueryParameters, limits: StockHTTPConfiguration.Limits) throws(APIProblem) {
        skus = try Self.textList(query, name: "sku")
        barcodes = try Self.textList(query, name: "barcode")
        variantIDs = try Self.idList(query.all("variant_id"), name: "variant_id")
        templateIDs = try Self.idList(query.all("template_id"), name: "template_id")
        scope = try ScopeFilter(query: query)
        if let text = try query.single("group_by") {
            guard let grouping = Grouping(rawValue: text) else {
                throw APIProblem.malformed("group_by", "'\(text)' is not one of total, warehouse, location")
            }
            self.grouping = grouping
        }
        if let text = try query.single("only_available") {
            onlyAvailable = try Self.boolean(text, name: "only_available")
        }
        for text in query.all("fields") { try forecast.addFields(text, parameter: "fields") }
        if let text = try query.single("to_date") { try forecast.setToDate(text, parameter: "to_date") }
        try checkLimits(limits)
    }

    /// Splits the comma-separated identifier lists of parameter `name`; every piece must be non-empty.
    static func textList(_ query: QueryParameters, name: String) throws(APIProblem) -> [String] {
        var result: [String] = []
        try query.forEachValue(of: name) { value throws(APIProblem) in try appendPieces(of: value, name: name, to: &result) }
        return result
    }

    /// Splits comma-separated identifier lists; every piece must be non-empty.
    static func textList(_ values: [String], name: String) throws(APIProblem) -> [String] {
        var result: [String] = []
        for value in values { try appendPieces(of: value, name: name, to: &result) }
        return result
    }

    /// Appends the comma-separated pieces of `value` (the value itself when it has no comma: no copy).
    private static func appendPieces(of value: String, name: String, to result: inout [String]) throws(APIProblem) {
        guard value.utf8.contains(UInt8(ascii: ",")) else {
            guard !value.isEmpty else { throw APIProblem.malformed(name, "empty identifier in '\(value)'") }
            result.append(value)
            return
        }
        for piece in value.split(separator: ",", omittingEmptySubsequences: false) {
            guard !piece.isEmpty else { throw APIProblem.malformed(name, "empty identifier in '\(value)'") }
            result.append(String(piece))
        }
    }

    /// Splits comma-separated id lists; every piece must be decimal digits.
    static func idList(_ values: [String], name: String) throws(APIProblem) -> [NumericIdentifier] {
        var result: [NumericIdentifier] = []
        for text in try textList(values, name: name) {
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw APIProblem.malformed(name, "'\(text)' is not a non-negative whole number")
            }
            result.append(NumericIdentifier(text: text))
        }
        return result
    }

    /// Reads `true` or `false` (exactly those words).
    static func boolean(_ text: String, name: String) throws(APIProblem) -> Bool {
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIProblem.malformed(name, "'\(text)' is not true or false")
        }
    }
}
