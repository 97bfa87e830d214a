extension ProjectionSnapshot {
    /// The variant with this id.
    ///
    /// - Complexity: O(1) (a page look-up); allocates only for a SKU or barcode longer than 15 bytes.
    public func variant(_ id: VariantID) -> ProductVariant? { state.catalogue.variant(id) }

    /// The variant with this id, when the caller already holds the text of its SKU (it looked the variant up by
    /// it): the answer then carries `knownSKU` itself instead of a string decoded anew, which allocates nothing.
    ///
    /// - Parameters:
    ///   - id: The variant.
    ///   - knownSKU: The text the caller believes is the variant's SKU; ignored when it is not.
    public func variant(_ id: VariantID, knownSKU: String) -> ProductVariant? { state.catalogue.variant(id, knownSKU: knownSKU) }

    /// Whether the projection holds a variant with this id.
    ///
    /// - Complexity: O(1); no allocation.
    public func containsVariant(_ id: VariantID) -> Bool { state.catalogue.containsVariant(id) }

    /// The template of a variant, or `nil` when the variant is unknown; reads no string (no allocation).
    public func templateID(of id: VariantID) -> TemplateID? { state.catalogue.catalogueVariant(id)?.templateID }

    /// The template with this id.
    public func template(_ id: TemplateID) -> ProductTemplate? { state.catalogue.template(id) }

    /// Every variant with this SKU (`default_code`), in id order; SKUs may be shared.
    ///
    /// - Complexity: O(1) expected (one probe of a hash index); allocates only when several variants match.
    public func variants(sku: String) -> VariantMatches { state.catalogue.variants(sku: sku) }

    /// Every variant with this barcode, in id order.
    public func variants(barcode: String) -> VariantMatches { state.catalogue.variants(barcode: barcode) }

    /// Every variant of this template, in id order.
    public func variants(template: TemplateID) -> VariantMatches { state.catalogue.variants(template: template) }

    /// `ids` sorted; the stored array itself (no copy) when it has fewer than two elements, the usual case of a
    /// SKU or a barcode.
    static func inOrder<ID: Comparable>(_ ids: [ID]?) -> [ID] {
        guard let ids else { return [] }
        return ids.count < 2 ? ids : ids.sorted()
    }

    /// The unit of measure with this id.
    public func unit(_ id: UnitID) -> UnitOfMeasure? { state.units[id] }

    /// The location with this id.
    public func location(_ id: LocationID) -> Location? { state.locations[id] }

    /// Locations whose `complete_name` is exactly `name` (several companies may reuse a name).
    public func locations(named name: String) -> [LocationID] { Self.inOrder(state.locationIndex.locations(named: name)) }

    /// The warehouse with this id.
    public func warehouse(_ id: WarehouseID) -> Warehouse? { state.warehouses[id] }

    /// Warehouses with this code (codes are unique per company only).
    public func warehouses(code: String) -> [WarehouseID] { Self.inOrder(state.locationIndex.warehouses(code: code)) }

    /// The warehouse whose view location contains this location (the innermost one), if any.
    public func warehouse(containing location: LocationID) -> WarehouseID? {
        state.locationIndex.warehouse(at: state.locationIndex.slot(location).warehouse)
    }

    /// Whether stock in this location is quarantined under the current rules.
    public func isQuarantined(_ location: LocationID) -> Bool { state.locationIndex.slot(location).quarantined }

    /// Turns a scope into its resolved form, checking that what it names exists.
    ///
    /// - Throws: ``ScopeError`` for an unknown location or warehouse.
    public func resolve(_ scope: StockScope) throws(ScopeError) -> ResolvedScope {
        try state.locationIndex.resolve(scope, locations: state.locations)
    }
}
