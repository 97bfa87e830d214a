public import StockProjection

extension OdooOracle {
    /// One variant's incoming and outgoing quantities from the forecast oracle query.
    public struct ForecastRow: Hashable, Sendable {
        /// `product_product.id`.
        public var variantID: VariantID
        /// Σ `stock_quant.quantity` in scope.
        public var onHand: Quantity
        /// Odoo `incoming_qty` before rounding.
        public var incoming: Quantity
        /// Odoo `outgoing_qty` before rounding.
        public var outgoing: Quantity
        /// Odoo `virtual_available` before rounding.
        public var forecast: Quantity { onHand + incoming - outgoing }

        /// Creates a row.
        public init(variantID: VariantID, onHand: Quantity, incoming: Quantity, outgoing: Quantity) {
            self.variantID = variantID
            self.onHand = onHand
            self.incoming = incoming
            self.outgoing = outgoing
        }
    }

    /// The forecast query, straight from `stock_move` as `_compute_quantities_dict` reads it: rows
    /// `(product_id, on_hand, incoming, outgoing)` for every `product_product`, ordered by id.
    ///
    /// A move counts when its state is `waiting`, `confirmed`, `assigned` or `partially_available` (and its `date`
    /// is not after `toDate`, when given). Its source is in the scope when `location_id`'s `parent_path` starts with a
    /// root's; its destination is `location_final_id` when the column exists and is set (Odoo 18+, for moves not
    /// done), else `location_dest_id`. Incoming: destination in, source out; outgoing: source in, destination out.
    ///
    /// - Parameters:
    ///   - scope: Where to count.
    ///   - hasFinalLocation: Whether `stock_move.location_final_id` exists (Odoo 18+).
    ///   - toDate: A `timestamp` literal's text, or `nil` for no date limit.
    public static func forecastQuery(_ scope: StockScope, hasFinalLocation: Bool, toDate: String? = nil) -> String {
        let destination = hasFinalLocation ? "coalesce(m.location_final_id, m.location_dest_id)" : "m.location_dest_id"
        let dateFilter = toDate.map { " AND m.date <= '\($0)'::timestamp" } ?? ""
        return """
            WITH roots(parent_path) AS (
                \(rootsQuery(scope))
            ),
            scoped_quants AS (
                SELECT q.product_id, q.quantity
                FROM stock_quant q
                JOIN stock_location l ON l.id = q.location_id
                WHERE EXISTS (SELECT 1 FROM roots r WHERE l.parent_path LIKE r.parent_path || '%')
            ),
            on_hand AS (SELECT product_id, sum(quantity) AS quantity FROM scoped_quants GROUP BY product_id),
            moves AS (
                SELECT m.product_id, m.product_qty,
                       EXISTS (SELECT 1 FROM roots r JOIN stock_location l ON l.id = m.location_id
                               WHERE l.parent_path LIKE r.parent_path || '%') AS source_in,
                       EXISTS (SELECT 1 FROM roots r JOIN stock_location l ON l.id = \(destination)
                               WHERE l.parent_path LIKE r.parent_path || '%') AS destination_in
                FROM stock_move m
                WHERE m.state IN ('waiting', 'confirmed', 'assigned', 'partially_available')\(dateFilter)
            ),
            move_sums AS (
                SELECT product_id,
                       coalesce(sum(product_qty) FILTER (WHERE destination_in AND NOT source_in), 0) AS incoming,
                       coalesce(sum(product_qty) FILTER (WHERE source_in AND NOT destination_in), 0) AS outgoing
                FROM moves GROUP BY product_id
            )
            SELECT p.id, coalesce(o.quantity, 0), coalesce(s.incoming, 0), coalesce(s.outgoing, 0)
            FROM product_product p
            LEFT JOIN on_hand o ON o.product_id = p.id
            LEFT JOIN move_sums s ON s.product_id = p.id
            ORDER BY p.id
            """
    }

    /// Reads a row of ``forecastQuery(_:hasFinalLocation:toDate:)`` (four fields: id and three numerics).
    ///
    /// - Throws: ``ParseError`` for a row of another shape.
    public static func forecastRow(_ fields: [String?]) throws(ParseError) -> ForecastRow {
        let line = fields.map { $0 ?? "" }.joined(separator: "|")
        guard fields.count == 4, let id = fields[0].flatMap({ Int32($0) }) else {
            throw ParseError(line: line, reason: "expected id|on_hand|incoming|outgoing")
        }
        do {
            return ForecastRow(
                variantID: VariantID(id), onHand: try Quantity(parsing: fields[1] ?? "0"), incoming: try Quantity(parsing: fields[2] ?? "0"),
                outgoing: try Quantity(parsing: fields[3] ?? "0"))
        } catch {
            throw ParseError(line: line, reason: error.description)
        }
    }
}
