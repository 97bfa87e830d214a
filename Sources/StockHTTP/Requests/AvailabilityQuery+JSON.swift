extension AvailabilityQuery {
    /// Reads a question from `POST /v1/availability/query`'s JSON body.
    ///
    /// The body is an object with optional members `sku`, `barcode` (non-empty strings), `variant_id`,
    /// `template_id` (integers), `warehouse`, `location` (strings or integers), `group_by` (string) and
    /// `only_available` (boolean). Each of the six list members takes one value or an array of them, as the
    /// query string takes one or many: `"sku": "X"` means `"sku": ["X"]`. Values are never comma-split.
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
            case "fields":
                for (index, element) in Self.elements(value).values.enumerated() {
                    guard case .string(let text) = element else {
                        throw APIProblem.malformed(
                            Self.parameter(key, index, isArray: Self.elements(value).isArray), "must be a string or an array of strings")
                    }
                    try forecast.addFields(text, parameter: key)
                }
            case "to_date":
                guard case .string(let text) = value else { throw APIProblem.malformed(key, "must be a string, not \(value.typeName)") }
                try forecast.setToDate(text, parameter: key)
            default:
                let known = Self.parameterNames.sorted().joined(separator: ", ")
                throw APIProblem(kind: .unknownParameter, detail: "unknown member '\(key)'; the body takes \(known)", parameter: key)
            }
        }
        try checkLimits(limits)
    }

    /// A list member's values: the array's elements, or the single value as a list of one.
    private static func elements(_ value: JSONValue) -> (values: [JSONValue], isArray: Bool) {
        guard case .array(let elements) = value else { return ([value], false) }
        return (elements, true)
    }

    /// The name errors give a value: `name[i]` in an array, `name` for a single value (built only on error).
    private static func parameter(_ name: String, _ index: Int, isArray: Bool) -> String {
        isArray ? "\(name)[\(index)]" : name
    }

    private static func strings(_ value: JSONValue, name: String) throws(APIProblem) -> [String] {
        let (values, isArray) = elements(value)
        var result: [String] = []
        result.reserveCapacity(values.count)
        for (index, element) in values.enumerated() {
            guard case .string(let text) = element, !text.isEmpty else {
                throw APIProblem.malformed(
                    parameter(name, index, isArray: isArray),
                    "must be a non-empty string or an array of them, not \(element.typeName)"
                )
            }
            result.append(text)
        }
        return result
    }

    private static func integers(_ value: JSONValue, name: String) throws(APIProblem) -> [NumericIdentifier] {
        let (values, isArray) = elements(value)
        var result: [NumericIdentifier] = []
        result.reserveCapacity(values.count)
        for (index, element) in values.enumerated() {
            guard case .number(let text) = element, isInteger(text) else {
                throw APIProblem.malformed(parameter(name, index, isArray: isArray), "must be an integer or an array of integers")
            }
            result.append(NumericIdentifier(text: text))
        }
        return result
    }

    private static func names(_ value: JSONValue, name: String) throws(APIProblem) -> [String] {
        let (values, isArray) = elements(value)
        var result: [String] = []
        result.reserveCapacity(values.count)
        for (index, element) in values.enumerated() {
            switch element {
            case .string(let text) where !text.isEmpty: result.append(text)
            case .number(let text) where isInteger(text): result.append(text)
            default:
                throw APIProblem.malformed(
                    parameter(name, index, isArray: isArray),
                    "must be a non-empty string, an integer id, or an array of them"
                )
            }
        }
        return result
    }

    private static func isInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
