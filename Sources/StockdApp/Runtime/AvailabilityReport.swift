public import StockProjection

/// Answers "how much of this SKU is where" from a snapshot, as text: what `stockd query` prints.
public enum AvailabilityReport {
    /// How to break the figures down.
    public enum Grouping: String, CaseIterable, Sendable {
        /// One line per variant: the scope's total.
        case total
        /// The total, then one line per warehouse.
        case warehouse
        /// The total, then one line per location holding quants.
        case location
    }

    /// A query's failure, in words a user can act on.
    public struct Failure: Error, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    /// Resolves a warehouse code or id, or a location id or complete name, into a scope.
    ///
    /// - Throws: ``Failure`` when nothing by that name exists.
    public static func scope(warehouse: String?, location: String?, in snapshot: ProjectionSnapshot) throws -> StockScope {
        var scopes: [StockScope] = []
        if let warehouse {
            let ids =
                Int32(warehouse).map { [WarehouseID($0)] }.flatMap { ids in snapshot.warehouse(ids[0]) == nil ? nil : ids }
                ?? snapshot.warehouses(code: warehouse)
            guard !ids.isEmpty else { throw Failure(description: "no warehouse with code or id '\(warehouse)'") }
            scopes += ids.map { .warehouse($0) }
        }
        if let location {
            let ids =
                Int32(location).map { [LocationID($0)] }.flatMap { ids in snapshot.location(ids[0]) == nil ? nil : ids }
                ?? snapshot.locations(named: location)
            guard !ids.isEmpty else { throw Failure(description: "no location with id or complete name '\(location)'") }
            scopes += ids.map { .location($0) }
        }
        switch scopes.count {
        case 0: return .everywhere
        case 1: return scopes[0]
        default: return .union(scopes)
        }
    }

    /// The figures of every variant with `sku` in `scope`, as aligned text.
    public static func text(sku: String, scope: StockScope, grouping: Grouping, snapshot: ProjectionSnapshot) throws -> String {
        let resolved: ResolvedScope
        do {
            resolved = try snapshot.resolve(scope)
        } catch {
            throw Failure(description: "\(error)")
        }
        let variants = snapshot.variants(sku: sku)
        guard !variants.isEmpty else { throw Failure(description: "no variant with SKU '\(sku)'") }
        var lines = ["as of \(snapshot.checkpoint?.description ?? "empty store")", header()]
        for id in variants {
            lines.append(row("variant \(id)", snapshot.figures(for: id, in: resolved)))
            switch grouping {
            case .total:
                break
            case .warehouse:
                for (warehouse, figures) in snapshot.figuresByWarehouse(for: id, in: resolved) {
                    lines.append(row("  " + (snapshot.warehouse(warehouse)?.code ?? "\(warehouse)"), figures))
                }
            case .location:
                for (location, figures) in snapshot.figuresByLocation(for: id, in: resolved) {
                    lines.append(row("  " + (snapshot.location(location)?.completeName ?? "\(location)"), figures))
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func header() -> String {
        "".padded(28) + ["on_hand", "reserved", "free", "quarantined", "available"].map { $0.leftPadded(12) }.joined()
    }

    static func row(_ label: String, _ figures: StockFigures) -> String {
        label.padded(28)
            + [figures.onHand, figures.reserved, figures.free, figures.quarantined, figures.available].map { $0.description.leftPadded(12) }.joined()
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
