import StockProjection

/// Answers the API's questions from one snapshot: the only place that turns domain values into DTOs.
///
/// Handlers take one snapshot per request and hand it here, so every figure of an answer comes from the
/// same source commit.
struct SnapshotReader {
    /// The snapshot every answer is read from.
    let snapshot: ProjectionSnapshot
    /// Its entity tag and checkpoint text.
    let stamp: SnapshotStamp

    /// A reader of the projection's latest snapshot.
    ///
    /// - Parameters:
    ///   - projection: The live projection; its snapshot is taken once, here.
    ///   - stamps: The shared cache of snapshot stamps.
    init(projection: StockProjection, stamps: SnapshotStamps) {
        snapshot = projection.snapshot()
        stamp = stamps.stamp(for: snapshot)
    }

    /// A reader of one snapshot (for tests).
    init(snapshot: ProjectionSnapshot) {
        self.snapshot = snapshot
        stamp = SnapshotStamp(snapshot)
    }

    /// The snapshot's entity tag.
    var etag: EntityTag { stamp.etag }

    /// The `as_of` of answers read from this snapshot.
    ///
    /// - Parameter lagMilliseconds: The feed's lag, when known.
    func asOf(lagMilliseconds: Int64?) -> AsOf {
        AsOf(lsn: stamp.lsn, commitTime: stamp.commitTime, lagMilliseconds: lagMilliseconds, changeCursor: snapshot.changeCursor)
    }

    // MARK: Scopes

    /// Resolves `warehouse` and `location` filters into one scope (their union; every active warehouse when empty).
    ///
    /// A number is tried as an id first, then as a code or complete name.
    ///
    /// - Throws: 404 naming the first warehouse or location that does not exist.
    func resolve(_ filter: ScopeFilter) throws(APIProblem) -> ResolvedScope {
        if filter.isEmpty { return try resolve(.everywhere) }
        if filter.locations.isEmpty, filter.warehouses.count == 1 {
            // The usual case, one warehouse: no list of scopes to build.
            let ids = try warehouses(named: filter.warehouses[0], parameter: "warehouse")
            if ids.count == 1 { return try resolve(.warehouse(ids[0])) }
        }
        var scopes: [StockScope] = []
        for text in filter.warehouses {
            scopes += try warehouses(named: text, parameter: "warehouse").map { .warehouse($0) }
        }
        for text in filter.locations {
            scopes += try locations(named: text, parameter: "location").map { .location($0) }
        }
        return try resolve(scopes.count == 1 ? scopes[0] : .union(scopes))
    }

    /// Resolves a path's `{location}`: a location id, a warehouse code, or a location's complete name.
    ///
    /// A warehouse code is tried before complete names: in Odoo a warehouse's view location is named after
    /// its code, so both name the same subtree, and the answer then describes it as the warehouse.
    ///
    /// - Throws: 404 when it names nothing.
    func resolvePath(location text: String) throws(APIProblem) -> (scope: ResolvedScope, description: ScopeDescription) {
        var description = ScopeDescription()
        var scopes: [StockScope] = []
        if let raw = Int32(text), let location = snapshot.location(LocationID(raw)) {
            description.locations = [(location.id, location.completeName)]
            scopes = [.location(location.id)]
        } else if case let ids = snapshot.warehouses(code: text), !ids.isEmpty {
            description.warehouses = ids.map { ($0, text) }
            scopes = ids.map { .warehouse($0) }
        } else if case let ids = snapshot.locations(named: text), !ids.isEmpty {
            description.locations = ids.map { ($0, text) }
            scopes = ids.map { .location($0) }
        } else {
            throw APIProblem(
                kind: .unknownLocation,
                detail: "no location with id or complete name '\(text)', and no warehouse with that code",
                parameter: "location"
            )
        }
        return (try resolve(scopes.count == 1 ? scopes[0] : .union(scopes)), description)
    }

    private func warehouses(named text: String, parameter: String) throws(APIProblem) -> [WarehouseID] {
        if let raw = Int32(text), snapshot.warehouse(WarehouseID(raw)) != nil { return [WarehouseID(raw)] }
        let ids = snapshot.warehouses(code: text)
        guard !ids.isEmpty else {
            throw APIProblem(kind: .unknownWarehouse, detail: "no warehouse with code or id '\(text)'", parameter: parameter)
        }
        return ids
    }

    private func locations(named text: String, parameter: String) throws(APIProblem) -> [LocationID] {
        if let raw = Int32(text), snapshot.location(LocationID(raw)) != nil { return [LocationID(raw)] }
        let ids = snapshot.locations(named: text)
        guard !ids.isEmpty else {
            throw APIProblem(kind: .unknownLocation, detail: "no location with id or complete name '\(text)'", parameter: parameter)
        }
        return ids
    }

    private func resolve(_ scope: StockScope) throws(APIProblem) -> ResolvedScope {
        do {
            return try snapshot.resolve(scope)
        } catch {
            switch error {
            case .unknownLocation(let id):
                throw APIProblem(kind: .unknownLocation, detail: "location \(id) is not part of the location tree", parameter: "location")
            case .unknownWarehouse(let id):
                throw APIProblem(kind: .unknownWarehouse, detail: "no warehouse with id \(id)", parameter: "warehouse")
            }
        }
    }

    // MARK: Availability

    /// One variant's item: its identity, figures over the scope and the breakdown asked for.
    ///
    /// A kit's figures (total and breakdowns) come from the projection, computed from its components as Odoo
    /// does; every endpoint builds its items through this function or ``item(for:figures:)``, which mark kits.
    ///
    /// - Parameter knownSKU: The SKU the variant was looked up by, if it was: the item reuses that text instead of
    ///   decoding the variant's SKU anew (no allocation).
    /// - Returns: `nil` when the variant is unknown.
    func item(
        for id: VariantID, in scope: ResolvedScope, grouping: AvailabilityQuery.Grouping, knownSKU: String? = nil
    ) -> AvailabilityItem? {
        // One probe of the kits for the figures and the item's kit members.
        let kit = snapshot.kitDefinition(for: id)
        guard var item = item(for: id, figures: snapshot.figures(for: id, in: scope, kit: kit), kit: kit, knownSKU: knownSKU) else {
            return nil
        }
        switch grouping {
        case .total:
            break
        case .warehouse:
            item.warehouses = snapshot.figuresByWarehouse(for: id, in: scope).map { entry in
                WarehouseFigures(code: snapshot.warehouse(entry.warehouse)?.code, warehouseID: entry.warehouse, figures: entry.figures)
            }
        case .location:
            item.locations = snapshot.figuresByLocation(for: id, in: scope).map { entry in
                let warehouse = snapshot.warehouse(containing: entry.location)
                return LocationFigures(
                    locationID: entry.location,
                    name: snapshot.location(entry.location)?.completeName,
                    warehouseCode: warehouse.flatMap { snapshot.warehouse($0)?.code },
                    warehouseID: warehouse,
                    figures: entry.figures
                )
            }
        }
        return item
    }

    /// An item with figures already computed (the location pull gets them from the scan).
    ///
    /// - Parameter knownSKU: The SKU the variant was looked up by, if it was (see
    ///   ``item(for:in:grouping:knownSKU:)``).
    /// - Returns: `nil` when the variant is unknown.
    func item(for id: VariantID, figures: StockFigures, knownSKU: String? = nil) -> AvailabilityItem? {
        item(for: id, figures: figures, kit: snapshot.kitDefinition(for: id), knownSKU: knownSKU)
    }

    /// An item with figures already computed, given the variant's kit definition (`nil` when it is not a kit).
    private func item(for id: VariantID, figures: StockFigures, kit: KitDefinition?, knownSKU: String?) -> AvailabilityItem? {
        guard let variant = knownSKU.map({ snapshot.variant(id, knownSKU: $0) }) ?? snapshot.variant(id) else { return nil }
        return AvailabilityItem(
            variantID: id,
            sku: variant.sku,
            barcode: variant.barcode,
            templateID: variant.templateID,
            active: variant.active,
            kit: kit != nil,
            invalid: kit?.problem?.code,
            figures: figures
        )
    }

    // MARK: Location pulls

    /// One page of the variants with a non-zero figure in a scope, in variant-id order.
    ///
    /// Quants of variants the catalogue does not know (a quant replicated before its product) are skipped.
    ///
    /// - Returns: The items and the cursor of the next page (`nil` on the last page).
    func stockPage(in scope: ResolvedScope, start: PageRequest.Start, limit: Int) -> (items: [AvailabilityItem], next: VariantID?) {
        let after: VariantID?
        switch start {
        case .beginning: after = nil
        case .after(let id): after = id
        case .end: return ([], nil)
        }
        let page = snapshot.stockedVariants(in: scope, after: after, limit: limit)
        return (page.items.compactMap { item(for: $0.variant, figures: $0.figures) }, page.next)
    }

    // MARK: Change feed

    /// One page of the change feed, each entry with the current figures of its (variant, location).
    ///
    /// - Throws: 410 when the cursor is older than what is kept or ahead of the feed (a client from
    ///   before a restart or resync): either way the client must do a full pull.
    func changes(after cursor: UInt64, in scope: ResolvedScope?, limit: Int, asOf: AsOf) throws(APIProblem) -> ChangeFeedPage {
        let page: ChangePage
        do {
            page = try snapshot.changes(after: cursor, in: scope, limit: limit)
        } catch {
            var problem = APIProblem(kind: .cursorExpired, detail: "", parameter: "since")
            switch error {
            case .expired(let oldest):
                problem.detail =
                    "the cursor \(cursor) is older than the oldest change kept (\(oldest)): do a full pull "
                    + "(GET /v1/locations/{location}/stock), then follow the feed from its as_of.change_cursor"
                problem.extensions = [("oldest_cursor", .string(String(oldest)))]
            case .fromTheFuture(let latest):
                problem.detail =
                    "the cursor \(cursor) is ahead of the latest change (\(latest)); it predates a restart or "
                    + "resync of stockd: do a full pull (GET /v1/locations/{location}/stock), then follow the feed from its as_of.change_cursor"
                problem.extensions = [("latest_cursor", .string(String(latest)))]
            }
            problem.extensions.append(("change_cursor", .string(String(snapshot.changeCursor))))
            throw problem
        }
        let entries = page.changes.map { change in
            let variant = snapshot.variant(change.variantID)
            let warehouse = snapshot.warehouse(containing: change.locationID)
            return ChangeEntry(
                variantID: change.variantID,
                sku: variant?.sku,
                barcode: variant?.barcode,
                templateID: variant?.templateID,
                kit: snapshot.isKit(change.variantID),
                invalid: snapshot.kitDefinition(for: change.variantID)?.problem?.code,
                locationID: change.locationID,
                locationName: snapshot.location(change.locationID)?.completeName,
                warehouseCode: warehouse.flatMap { snapshot.warehouse($0)?.code },
                warehouseID: warehouse,
                figures: figures(of: change.variantID, atExactly: change.locationID)
            )
        }
        return ChangeFeedPage(asOf: asOf, items: entries, nextCursor: page.nextCursor, hasMore: page.hasMore)
    }

    /// The figures of a variant's quants in exactly one location (not its subtree), as `group_by=location` counts them.
    ///
    /// For a kit: the kits its components' quants in exactly that location make (zero when the location is gone).
    func figures(of variant: VariantID, atExactly location: LocationID) -> StockFigures {
        if snapshot.isKit(variant) {
            guard let scope = try? snapshot.resolve(.location(location)) else { return .zero }
            return snapshot.figuresByLocation(for: variant, in: scope).first { $0.location == location }?.figures ?? .zero
        }
        var onHand = Quantity.zero
        var reserved = Quantity.zero
        for entry in snapshot.entries(for: variant) where entry.locationID == location {
            onHand += entry.quantity
            reserved += entry.reserved
        }
        let quarantined = snapshot.isQuarantined(location)
        return StockFigures(
            onHand: onHand,
            reserved: reserved,
            quarantined: quarantined ? onHand : .zero,
            sellableFree: quarantined ? .zero : onHand - reserved
        )
    }
}
