extension AvailabilityQuery {
    /// Reads a question from `POST /v1/availability/query`'s JSON body.
    ///
    /// The body is an object with optional members `sku`, `barcode` (arrays of non-empty strings),
    /// `variant_id`, `template_id` (arrays of integers), `warehouse`, `location` (arrays of strings or
    /// integers), `group_by` (string) and `only_available` (boolean). Values are never comma-split.
    ///
    /// - Throws: 400 naming the member for anything else, 422 over the identifier limit.
    init(json: JSONValue, limits: StockHTTPConfiguration.Limits) throws(APIProblem) {
        guard case .object(let members) = json else {
            throw APIProblem(kind: .malformedBody, detail: "the body must be a JSON object, not \(json.typeName)")
        }
        for (key, value) in members {
            switch key {
            case "sku": skus = try Self.strings(value, name: key)
            case "barcode": barcodes = try Self.strings(value, name: key)
            case "variant_id": variantIDs = try Self.integers(value, name: key)
            case "template_id": templateIDs = try Self.integers(value, name: key)
            case "warehouse": scope.warehouses = try Self.names(value, name: key)
            case "location": scope.locations = try Self.names(value, name: key)
            case "group_by":
                guard case .string(let text) = value, let grouping = Grouping(rawValue: text) else {
                    throw APIProblem.malformed(key, "must be one of \"total\", \"warehouse\", \"location\"")
                }
                self.grouping = grouping
            case "only_available":
                guard case .bool(let flag) = value else { throw APIProblem.malformed(key, "must be true or false, not \(value.typeName)") }
                onlyAvailable = flag
            default:
                let known = Self.parameterNames.sorted().joined(separator: ", ")
                throw APIProblem(kind: .unknownParameter, detail: "unknown member '\(key)'; the body takes \(known)", parameter: key)
            }
        }
        try checkLimits(limits)
    }

    private static func elements(_ value: JSONValue, name: String) throws(APIProblem) -> [JSONValue] {
        guard case .array(let elements) = value else { throw APIProblem.malformed(name, "must be an array, not \(value.typeName)") }
        return elements
    }

    private static func strings(_ value: JSONValue, name: String) throws(APIProblem) -> [String] {
        var result: [String] = []
        for (index, element) in try elements(value, name: name).enumerated() {
            guard case .string(let text) = element, !text.isEmpty else {
                throw APIProblem.malformed("\(name)[\(index)]", "must be a non-empty string")
            }
            result.append(text)
        }
        return result
    }

    private static func integers(_ value: JSONValue, name: String) throws(APIProblem) -> [NumericIdentifier] {
        var result: [NumericIdentifier] = []
        for (index, element) in try elements(value, name: name).enumerated() {
            guard case .number(let text) = element, isInteger(text) else {
                throw APIProblem.malformed("\(name)[\(index)]", "must be an integer")
            }
            result.append(NumericIdentifier(text: text))
        }
        return result
    }

    private static func names(_ value: JSONValue, name: String) throws(APIProblem) -> [String] {
        var result: [String] = []
        for (index, element) in try elements(value, name: name).enumerated() {
            switch element {
            case .string(let text) where !text.isEmpty: result.append(text)
            case .number(let text) where isInteger(text): result.append(text)
            default: throw APIProblem.malformed("\(name)[\(index)]", "must be a non-empty string or an integer id")
            }
        }
        return result
    }

    private static func isInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
