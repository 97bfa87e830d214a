/// Where to count stock, as Odoo's location context counts it.
public enum StockScope: Hashable, Sendable {
    /// Every active warehouse: the union of their view-location subtrees (Odoo's default with no context).
    case everywhere
    /// One warehouse: the subtree of its view location (Odoo's `warehouse` / `warehouse_id` context).
    case warehouse(WarehouseID)
    /// One location and its whole subtree (Odoo's `location` context, child_of). The only way to count
    /// locations outside every warehouse, such as vendors, customers, scrap or transit.
    case location(LocationID)
    /// The union of several scopes.
    case union([StockScope])
}

/// A scope that names something the projection does not know.
public enum ScopeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No such location.
    case unknownLocation(LocationID)
    /// No such warehouse.
    case unknownWarehouse(WarehouseID)

    public var description: String {
        switch self {
        case .unknownLocation(let id): "unknown location \(id)"
        case .unknownWarehouse(let id): "unknown warehouse \(id)"
        }
    }
}

/// A scope turned into ranges of the location tree's pre-order numbering, so that testing whether a quant's
/// location is inside is a couple of integer comparisons.
public struct ResolvedScope: Hashable, Sendable {
    /// Half-open ranges of pre-order numbers, sorted and disjoint.
    @usableFromInline
    var ranges: [Range<Int32>]
    /// The warehouse's code when the scope is exactly one warehouse (for safety stock).
    public internal(set) var warehouseCode: String?

    init(ranges: [Range<Int32>], warehouseCode: String? = nil) {
        self.ranges = Self.merged(ranges)
        self.warehouseCode = warehouseCode
    }

    /// A scope that contains nothing.
    public static let empty = ResolvedScope(ranges: [])

    /// Whether the scope contains no location at all.
    public var isEmpty: Bool { ranges.isEmpty }

    @inline(__always)
    func contains(preorder: Int32) -> Bool {
        if ranges.count == 1 { return ranges[0].contains(preorder) }
        for range in ranges where range.contains(preorder) { return true }
        return false
    }

    static func merged(_ ranges: [Range<Int32>]) -> [Range<Int32>] {
        let sorted = ranges.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        var result: [Range<Int32>] = []
        for range in sorted {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
