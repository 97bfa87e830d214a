extension StockHTTPConfiguration {
    /// Limits on what one request may ask.
    public struct Limits: Hashable, Sendable {
        /// The largest request body accepted, in bytes (413 above it).
        public var maxBodyBytes: Int
        /// The most product identifiers (SKUs, barcodes, variant and template ids together) in one
        /// availability request, and separately the most warehouse and location filters (422 above it).
        public var maxIdentifiers: Int
        /// The page size when a request gives no `limit`.
        public var defaultPageSize: Int
        /// The largest `limit` accepted (400 above it).
        public var maxPageSize: Int

        /// Creates limits; each value is raised to at least 1, and the default page size kept within the maximum.
        ///
        /// - Parameters:
        ///   - maxBodyBytes: Largest request body, default 1 MiB.
        ///   - maxIdentifiers: Most identifiers per request, default 1,000.
        ///   - defaultPageSize: Page size without `limit`, default 500.
        ///   - maxPageSize: Largest `limit`, default 5,000.
        public init(maxBodyBytes: Int = 1 << 20, maxIdentifiers: Int = 1_000, defaultPageSize: Int = 500, maxPageSize: Int = 5_000) {
            self.maxBodyBytes = max(1, maxBodyBytes)
            self.maxIdentifiers = max(1, maxIdentifiers)
            self.maxPageSize = max(1, maxPageSize)
            self.defaultPageSize = min(max(1, defaultPageSize), self.maxPageSize)
        }
    }
}
