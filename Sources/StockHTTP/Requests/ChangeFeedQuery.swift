/// The parameters of `GET /v1/changes`.
struct ChangeFeedQuery: Equatable {
    /// The cursor to read after (`as_of.change_cursor` of a full pull, or the previous page's `next_cursor`);
    /// `nil` when absent, which asks for the head cursor only.
    /// Digits too large for 64 bits read as the largest value, which is always ahead of the feed (410).
    var since: UInt64?
    /// Only changes in these warehouses and locations (their union); empty for all.
    var scope: ScopeFilter
    /// The most entries per page.
    var limit: Int

    /// The query parameters the change feed takes.
    static let parameterNames: Set<String> = ["since", "warehouse", "location", "limit"]

    /// Reads the parameters.
    ///
    /// - Throws: 400 for a malformed `since`, filter or limit; 422 for too many filters.
    init(query: QueryParameters, limits: StockHTTPConfiguration.Limits) throws(APIProblem) {
        if let text = try query.single("since") {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw APIProblem.malformed("since", "'\(text)' is not a change cursor")
            }
            since = UInt64(text) ?? .max
        } else {
            since = nil
        }
        scope = try ScopeFilter(query: query)
        try scope.checkLimits(limits)
        limit = try PageRequest.limit(query, limits: limits)
    }
}
