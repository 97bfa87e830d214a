/// The identifier of an Odoo record: the `id` column (`int4`) of the record's table.
///
/// The phantom `Record` type keeps identifiers of different tables apart at compile time, so a location id
/// can never be passed where a variant id is expected.
@frozen
public struct OdooID<Record>: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value of the `id` column.
    public var rawValue: Int32

    /// Wraps an `id` column value.
    @inlinable
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Wraps an `id` column value.
    @inlinable
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    @inlinable
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

/// A product variant (`product_product`).
public typealias VariantID = OdooID<ProductVariant>
/// A product template (`product_template`).
public typealias TemplateID = OdooID<ProductTemplate>
/// A stock location (`stock_location`).
public typealias LocationID = OdooID<Location>
/// A warehouse (`stock_warehouse`).
public typealias WarehouseID = OdooID<Warehouse>
/// A quant row (`stock_quant`).
public typealias QuantID = OdooID<Quant>
/// A unit of measure (`uom_uom`).
public typealias UnitID = OdooID<UnitOfMeasure>
/// A company (`res_company`).
public typealias CompanyID = OdooID<Company>

/// Marker for company identifiers; stockd keeps no company records of its own.
public enum Company {}
