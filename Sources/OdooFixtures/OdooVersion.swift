/// An Odoo major version whose database layout the fixtures reproduce.
///
/// The versions differ in the columns stockd cares about:
/// - 16 and 17: `product_template.detailed_type` (NOT NULL) plus the stored `type`; `'product'` means storable.
/// - 18: `product_template.type` is `consu`, `service` or `combo`, and `is_storable` says whether stock is kept.
/// - `stock_move`: 16 has `quantity_done`; 17 and 18 have `quantity` and `picked`; 18 adds `location_final_id`.
public enum OdooVersion: String, CaseIterable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Odoo 16.0.
    case v16 = "16.0"
    /// Odoo 17.0.
    case v17 = "17.0"
    /// Odoo 18.0.
    case v18 = "18.0"

    /// The major version number (16, 17 or 18).
    public var major: Int {
        switch self {
        case .v16: 16
        case .v17: 17
        case .v18: 18
        }
    }

    /// Whether storability lives in `product_template.is_storable` (18) rather than in `type = 'product'` (16, 17).
    public var hasIsStorable: Bool { self >= .v18 }

    /// Whether `product_template.detailed_type` exists (16, 17).
    public var hasDetailedType: Bool { self < .v18 }

    public static func < (lhs: OdooVersion, rhs: OdooVersion) -> Bool { lhs.major < rhs.major }

    public var description: String { rawValue }
}
