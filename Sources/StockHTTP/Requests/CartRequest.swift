import StockProjection

/// A cart to check, from `POST /v1/availability/check`'s JSON body.
///
/// The body is an object with `lines` (required: an array of `{"sku": "...", "qty": 3}` or
/// `{"variant_id": 42, "qty": 3}`) and optional `warehouse`, `location` (a string or integer, or an array of
/// them, as in `POST /v1/availability/query`).
struct CartRequest: Equatable {
    /// How a line names its product.
    enum Product: Equatable {
        /// By SKU (`default_code`); it must name one variant.
        case sku(String)
        /// By variant id.
        case variantID(NumericIdentifier)
    }

    /// One line of the cart.
    struct Line: Equatable {
        /// The product.
        var product: Product
        /// The quantity wanted (positive).
        var quantity: Quantity
    }

    /// The lines, in cart order (earlier lines are served first).
    var lines: [Line] = []
    /// Where to sell from.
    var scope = ScopeFilter()

    /// The members the body takes.
    static let memberNames: Set<String> = ["lines", "warehouse", "location"]
    /// The members a line takes.
    static let lineMemberNames: Set<String> = ["sku", "variant_id", "qty"]

    /// Reads a cart from a JSON body.
    ///
    /// - Throws: 400 naming the member for anything malformed, 422 for more lines (or filters) than `maxIdentifiers`.
    init(json: JSONValue, limits: StockHTTPConfiguration.Limits) throws(APIProblem) {
        guard case .object(let members) = json else {
            throw APIProblem(kind: .malformedBody, detail: "the body must be a JSON object, not \(json.typeName)")
        }
        var sawLines = false
        for (key, value) in members {
            switch key {
            case "lines":
                sawLines = true
                guard case .array(let elements) = value else { throw APIProblem.malformed(key, "must be an array, not \(value.typeName)") }
                if elements.count > limits.maxIdentifiers {
                    throw APIProblem(
                        kind: .tooManyIdentifiers,
                        detail: "\(elements.count) cart lines given; at most \(limits.maxIdentifiers) are accepted per request: split the cart"
                    )
                }
                lines = try elements.enumerated().map { (index, element) throws(APIProblem) in try Self.line(element, index: index) }
            case "warehouse": scope.warehouses = try Self.names(value, name: key)
            case "location": scope.locations = try Self.names(value, name: key)
            default:
                let known = Self.memberNames.sorted().joined(separator: ", ")
                throw APIProblem(kind: .unknownParameter, detail: "unknown member '\(key)'; the body takes \(known)", parameter: key)
            }
        }
        guard sawLines else {
            throw APIProblem(
                kind: .missingParameter, detail: "the body needs 'lines': an array of {\"sku\" or \"variant_id\", \"qty\"}", parameter: "lines")
        }
        guard !lines.isEmpty else { throw APIProblem.malformed("lines", "must hold at least one line") }
        try scope.checkLimits(limits)
    }

    private static func line(_ value: JSONValue, index: Int) throws(APIProblem) -> Line {
        let name = "lines[\(index)]"
        guard case .object(let members) = value else { throw APIProblem.malformed(name, "must be an object, not \(value.typeName)") }
        var product: Product?
        var quantity: Quantity?
        for (key, member) in members {
            let path = "\(name).\(key)"
            switch key {
            case "sku":
                guard case .string(let text) = member, !text.isEmpty else { throw APIProblem.malformed(path, "must be a non-empty string") }
                guard product == nil else { throw APIProblem.malformed(name, "give either sku or variant_id, not both") }
                product = .sku(text)
            case "variant_id":
                guard case .number(let text) = member, isInteger(text) else { throw APIProblem.malformed(path, "must be an integer") }
                guard product == nil else { throw APIProblem.malformed(name, "give either sku or variant_id, not both") }
                product = .variantID(NumericIdentifier(text: text))
            case "qty":
                guard case .number(let text) = member else { throw APIProblem.malformed(path, "must be a number") }
                guard let value = Quantity(jsonNumber: text), !value.isSaturated, value.rawValue < Int64(1_000_000_000) * Quantity.scale + 1 else {
                    throw APIProblem.malformed(path, "must be a decimal with at most 6 places and at most 1000000000, not \(text)")
                }
                guard value > .zero else { throw APIProblem.malformed(path, "must be positive, not \(text)") }
                quantity = value
            default:
                throw APIProblem(
                    kind: .unknownParameter,
                    detail: "\(name): unknown member '\(key)'; a line takes sku or variant_id, and qty",
                    parameter: path
                )
            }
        }
        guard let product else { throw APIProblem(kind: .missingParameter, detail: "\(name): give sku or variant_id", parameter: name) }
        guard let quantity else { throw APIProblem(kind: .missingParameter, detail: "\(name): give qty", parameter: "\(name).qty") }
        return Line(product: product, quantity: quantity)
    }

    private static func names(_ value: JSONValue, name: String) throws(APIProblem) -> [String] {
        let elements: [JSONValue]
        if case .array(let array) = value { elements = array } else { elements = [value] }
        var result: [String] = []
        for element in elements {
            switch element {
            case .string(let text) where !text.isEmpty: result.append(text)
            case .number(let text) where isInteger(text): result.append(text)
            default: throw APIProblem.malformed(name, "must be a non-empty string or an integer id, or an array of them")
            }
        }
        return result
    }

    private static func isInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
