public import StockProjection

/// SQL that computes Odoo's default per-variant stock figures directly from Odoo's tables, as
/// `product.product._compute_quantities_dict` does with `_get_domain_locations`:
///
/// - roots: the view location of every **active** warehouse (no context), one warehouse's view location
///   (`warehouse` / `warehouse_id` context, archived or not), or a given location (`location` context);
/// - a quant counts when its location's `parent_path` starts with a root's `parent_path` (child_of); there is
///   no filter on location usage, lot, package or owner;
/// - on hand = Σ `quantity`, reserved = Σ `reserved_quantity`, as exact `numeric` sums, not rounded to the UoM.
///
/// The company record rule and Odoo's final rounding to the product unit are left out: the fixtures hold one
/// company, and stockd compares exact sums.
public enum OdooOracle {
    /// One variant's figures from the oracle query.
    public struct Row: Hashable, Sendable {
        /// `product_product.id`.
        public var variantID: VariantID
        /// Σ `stock_quant.quantity` in scope (`qty_available` before rounding).
        public var onHand: Quantity
        /// Σ `stock_quant.reserved_quantity` in scope.
        public var reserved: Quantity
        /// `onHand - reserved` (`free_qty` before rounding).
        public var free: Quantity { onHand - reserved }

        /// Creates a row.
        public init(variantID: VariantID, onHand: Quantity, reserved: Quantity) {
            self.variantID = variantID
            self.onHand = onHand
            self.reserved = reserved
        }
    }

    /// A row of psql output that ``parse(_:)`` could not read.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The offending line.
        public var line: String
        /// What is wrong with it.
        public var reason: String

        public var description: String { "cannot read oracle row '\(line)': \(reason)" }
    }

    /// The query: rows `(product_id int4, on_hand numeric, reserved numeric)` ordered by `product_id`.
    ///
    /// - Parameters:
    ///   - scope: Where to count. `.union` counts a quant once even when several roots contain it.
    ///   - allVariants: Whether to return every `product_product` row (zeros where nothing is in scope) rather
    ///     than only variants with at least one quant in scope.
    /// - Returns: One `SELECT` statement (no trailing semicolon).
    public static func query(_ scope: StockScope, allVariants: Bool = true) -> String {
        let scoped = """
            WITH roots(parent_path) AS (
                \(rootsQuery(scope))
            ),
            scoped AS (
                SELECT q.product_id, q.quantity, q.reserved_quantity
                FROM stock_quant q
                JOIN stock_location l ON l.id = q.location_id
                WHERE EXISTS (SELECT 1 FROM roots r WHERE l.parent_path LIKE r.parent_path || '%')
            )
            """
        if allVariants {
            return scoped + """

                SELECT p.id AS product_id,
                       coalesce(sum(s.quantity), 0) AS on_hand,
                       coalesce(sum(s.reserved_quantity), 0) AS reserved
                FROM product_product p
                LEFT JOIN scoped s ON s.product_id = p.id
                GROUP BY p.id
                ORDER BY p.id
                """
        }
        return scoped + """

            SELECT s.product_id,
                   coalesce(sum(s.quantity), 0) AS on_hand,
                   coalesce(sum(s.reserved_quantity), 0) AS reserved
            FROM scoped s
            GROUP BY s.product_id
            ORDER BY s.product_id
            """
    }

    /// The `SELECT` of the roots' `parent_path`s for a scope (Odoo's root set R).
    public static func rootsQuery(_ scope: StockScope) -> String {
        switch scope {
        case .everywhere:
            return "SELECT v.parent_path FROM stock_warehouse w JOIN stock_location v ON v.id = w.view_location_id WHERE w.active"
        case .warehouse(let id):
            return "SELECT v.parent_path FROM stock_warehouse w JOIN stock_location v ON v.id = w.view_location_id WHERE w.id = \(id.rawValue)"
        case .location(let id):
            return "SELECT parent_path FROM stock_location WHERE id = \(id.rawValue)"
        case .union(let scopes):
            guard !scopes.isEmpty else { return "SELECT NULL::varchar WHERE false" }
            return scopes.map { "(" + rootsQuery($0) + ")" }.joined(separator: " UNION ALL ")
        }
    }

    /// Reads the output of ``query(_:allVariants:)`` printed by `psql -A -t` (unaligned, tuples only), with `|`
    /// or another single-character field separator.
    ///
    /// - Parameters:
    ///   - output: psql's standard output.
    ///   - separator: The field separator (`psql -F`), `|` by default.
    /// - Throws: ``ParseError`` for a line that is not `id|numeric|numeric`.
    public static func parse(_ output: String, separator: Character = "|") throws(ParseError) -> [Row] {
        var rows: [Row] = []
        for line in output.split(whereSeparator: \.isNewline) where !line.isEmpty {
            let fields = line.split(separator: separator, omittingEmptySubsequences: false)
            guard fields.count == 3 else { throw ParseError(line: String(line), reason: "expected 3 fields, found \(fields.count)") }
            guard let id = Int32(fields[0]) else { throw ParseError(line: String(line), reason: "product_id is not an int4") }
            do {
                rows.append(Row(variantID: VariantID(id), onHand: try Quantity(parsing: fields[1]), reserved: try Quantity(parsing: fields[2])))
            } catch {
                throw ParseError(line: String(line), reason: error.description)
            }
        }
        return rows
    }
}
