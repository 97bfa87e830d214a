/// An availability question, from `GET /v1/availability`'s query string or `POST /v1/availability/query`'s body.
///
/// Parsing checks syntax (400) and the identifier limit (422); whether the products, warehouses and
/// locations exist is the reader's business (unknown products go to `missing`, unknown scopes are 404).
struct AvailabilityQuery: Equatable {
    /// How to break the figures down.
    enum Grouping: String, CaseIterable, Equatable {
        /// Only the total over the scope.
        case total
        /// The total plus one entry per warehouse.
        case warehouse
        /// The total plus one entry per location holding quants.
        case location
    }

    /// SKUs (`default_code`), in request order.
    var skus: [String] = []
    /// Barcodes, in request order.
    var barcodes: [String] = []
    /// Variant ids, in request order.
    var variantIDs: [NumericIdentifier] = []
    /// Template ids, in request order.
    var templateIDs: [NumericIdentifier] = []
    /// Where to count.
    var scope = ScopeFilter()
    /// The breakdown.
    var grouping = Grouping.total
    /// Whether to leave out variants with nothing available.
    var onlyAvailable = false
    /// The forecast members asked for (`fields`) and their date limit (`to_date`).
    var forecast = ForecastRequest()

    /// The query parameters `GET /v1/availability` takes.
    static let parameterNames: Set<String> = [
        "sku", "barcode", "variant_id", "template_id", "warehouse", "location", "group_by", "only_available", "fields", "to_date",
    ]

    /// How many product identifiers the question names.
    var identifierCount: Int { skus.count + barcodes.count + variantIDs.count + templateIDs.count }

    /// Refuses a question over the configured limits.
    ///
    /// - Throws: 422 when there are more identifiers, or more warehouse and location filters, than `maxIdentifiers`.
    func checkLimits(_ limits: StockHTTPConfiguration.Limits) throws(APIProblem) {
        if identifierCount > limits.maxIdentifiers {
            throw APIProblem(
                kind: .tooManyIdentifiers,
                detail: "\(identifierCount) identifiers given; at most \(limits.maxIdentifiers) are accepted per request: split the request"
            )
        }
        try scope.checkLimits(limits)
    }
}
