import StockProjection

/// `cursor` and `limit` of a paginated location pull.
struct PageRequest: Equatable {
    /// Where a page starts.
    enum Start: Equatable {
        /// The first page.
        case beginning
        /// After this variant id (the previous page's last).
        case after(VariantID)
        /// After every possible variant id: an empty last page.
        case end
    }

    /// Where the page starts.
    var start: Start
    /// The most items on the page.
    var limit: Int

    /// The query parameters a location pull takes.
    static let parameterNames: Set<String> = ["cursor", "limit"]

    /// Reads `cursor` (digits, the `next_cursor` of the previous page) and `limit` (1 to the maximum page size).
    ///
    /// - Throws: 400 for a malformed cursor or a limit out of range.
    init(query: QueryParameters, limits: StockHTTPConfiguration.Limits) throws(APIProblem) {
        limit = try Self.limit(query, limits: limits)
        if let text = try query.single("cursor") {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw APIProblem.malformed("cursor", "'\(text)' is not a cursor (use next_cursor from the previous page)")
            }
            start = Int32(text).map { .after(VariantID($0)) } ?? .end
        } else {
            start = .beginning
        }
    }

    /// Reads `limit`: digits, 1 to `maxPageSize`, defaulting to `defaultPageSize`.
    ///
    /// - Throws: 400 when malformed or out of range.
    static func limit(_ query: QueryParameters, limits: StockHTTPConfiguration.Limits) throws(APIProblem) -> Int {
        guard let text = try query.single("limit") else { return limits.defaultPageSize }
        guard let value = Int(text), text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            (1...limits.maxPageSize).contains(value)
        else {
            throw APIProblem.malformed("limit", "'\(text)' is not a whole number from 1 to \(limits.maxPageSize)")
        }
        return value
    }
}
