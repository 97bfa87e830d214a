import LMDB
import StockProjection

/// The LMDB database of each source table, one stored property per ``SourceTable`` case.
///
/// Stored properties behind an exhaustive `switch` rather than a dictionary keyed by the table: a new table is a
/// compile error here until it has a database, where a dictionary would trap on a missing key at run time.
struct SourceTableDatabases: Sendable {
    private let quants: LMDBDatabase
    private let locations: LMDBDatabase
    private let warehouses: LMDBDatabase
    private let variants: LMDBDatabase
    private let templates: LMDBDatabase
    private let units: LMDBDatabase
    private let boms: LMDBDatabase
    private let bomLines: LMDBDatabase
    private let attributeValues: LMDBDatabase
    private let bomLineValues: LMDBDatabase
    private let variantValues: LMDBDatabase
    private let moves: LMDBDatabase

    /// Opens the database of every table.
    ///
    /// - Parameters:
    ///   - open: Returns the database of one table; called once per table, in ``SourceTable`` order.
    /// - Throws: Whatever `open` throws.
    init(opening open: (SourceTable) throws -> LMDBDatabase) rethrows {
        quants = try open(.quants)
        locations = try open(.locations)
        warehouses = try open(.warehouses)
        variants = try open(.variants)
        templates = try open(.templates)
        units = try open(.units)
        boms = try open(.boms)
        bomLines = try open(.bomLines)
        attributeValues = try open(.attributeValues)
        bomLineValues = try open(.bomLineValues)
        variantValues = try open(.variantValues)
        moves = try open(.moves)
    }

    /// The database of `table`.
    subscript(table: SourceTable) -> LMDBDatabase {
        switch table {
        case .quants: quants
        case .locations: locations
        case .warehouses: warehouses
        case .variants: variants
        case .templates: templates
        case .units: units
        case .boms: boms
        case .bomLines: bomLines
        case .attributeValues: attributeValues
        case .bomLineValues: bomLineValues
        case .variantValues: variantValues
        case .moves: moves
        }
    }
}
