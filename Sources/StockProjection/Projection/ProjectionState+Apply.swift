import HashTreeCollections

/// Something in the source data that the projection could not apply as it stands.
///
/// These never stop the feed; the caller logs and counts them.
public enum ApplyAnomaly: Hashable, Sendable, CustomStringConvertible {
    /// A delete named a quant id the projection never saw.
    case unknownQuantDeleted(QuantID)
    /// A delete named a row the projection never saw.
    case unknownRowDeleted(SourceTable, Int32)

    public var description: String {
        switch self {
        case .unknownQuantDeleted(let id): "delete of unknown stock_quant id \(id)"
        case .unknownRowDeleted(let table, let id): "delete of unknown \(table.rawValue) id \(id)"
        }
    }
}

extension ProjectionState {
    /// Applies one row change.
    ///
    /// - Returns: An anomaly, when the change could not be applied as given.
    mutating func apply(_ change: StockChange, recordingChanges: Bool) -> ApplyAnomaly? {
        switch change {
        case .upsertQuant(let quant):
            upsertQuant(quant, recordingChanges: recordingChanges)
        case .deleteQuant(let id):
            guard let removed = removeQuant(id) else { return .unknownQuantDeleted(id) }
            if recordingChanges { changeLog.append(.init(variantID: removed.variant, locationID: removed.location)) }
        case .truncate(.quants):
            stock.removeAll()
            quantOwners = [:]
            quantCount = 0
            changeLog.reset()
        case .upsertLocation(let location):
            locations[location.id] = location
            locationIndexIsStale = true
        case .deleteLocation(let id):
            guard locations.removeValue(forKey: id) != nil else { return .unknownRowDeleted(.locations, id.rawValue) }
            locationIndexIsStale = true
        case .truncate(.locations):
            locations = [:]
            locationIndexIsStale = true
        case .upsertWarehouse(let warehouse):
            warehouses[warehouse.id] = warehouse
            locationIndexIsStale = true
        case .deleteWarehouse(let id):
            guard warehouses.removeValue(forKey: id) != nil else { return .unknownRowDeleted(.warehouses, id.rawValue) }
            locationIndexIsStale = true
        case .truncate(.warehouses):
            warehouses = [:]
            locationIndexIsStale = true
        case .upsertVariant(let variant):
            upsertVariant(variant)
        case .deleteVariant(let id):
            guard let old = variants.removeValue(forKey: id) else { return .unknownRowDeleted(.variants, id.rawValue) }
            unindex(old)
        case .truncate(.variants):
            variants = [:]
            variantsBySKU = [:]
            variantsByBarcode = [:]
            variantsByTemplate = [:]
        case .upsertTemplate(let template):
            templates[template.id] = template
        case .deleteTemplate(let id):
            guard templates.removeValue(forKey: id) != nil else { return .unknownRowDeleted(.templates, id.rawValue) }
        case .truncate(.templates):
            templates = [:]
        case .upsertUnit(let unit):
            units[unit.id] = unit
        case .deleteUnit(let id):
            guard units.removeValue(forKey: id) != nil else { return .unknownRowDeleted(.units, id.rawValue) }
        case .truncate(.units):
            units = [:]
        }
        return nil
    }

    private mutating func upsertQuant(_ quant: Quant, recordingChanges: Bool) {
        let key = Int(quant.variantID.rawValue)
        // The common case, an update of a row the variant already holds, needs no owner look-up.
        let heldByVariant = key >= 0 && stock[key].contains { $0.quantID == quant.id }
        if !heldByVariant, let owner = quantOwners[quant.id], owner != quant.variantID || key < 0 {
            // Odoo never moves a quant to another product, but a row may be rewritten by hand.
            if let removed = removeQuant(quant.id), recordingChanges {
                changeLog.append(.init(variantID: removed.variant, locationID: removed.location))
            }
        }
        guard key >= 0 else { return }  // Odoo ids are positive; a negative id has nowhere to live.
        let entry = StockEntry(quantID: quant.id, locationID: quant.locationID, quantity: quant.quantity, reserved: quant.reserved)
        let previousLocation: LocationID? = stock.modify(key) { entries in
            if let index = entries.firstIndex(where: { $0.quantID == quant.id }) {
                let previous = entries[index].locationID
                entries[index] = entry
                return previous
            }
            entries.append(entry)
            return nil
        }
        if previousLocation == nil {
            quantOwners[quant.id] = quant.variantID
            quantCount += 1
        }
        if recordingChanges {
            if let previousLocation, previousLocation != quant.locationID {
                changeLog.append(.init(variantID: quant.variantID, locationID: previousLocation))
            }
            changeLog.append(.init(variantID: quant.variantID, locationID: quant.locationID))
        }
    }

    private mutating func removeQuant(_ id: QuantID) -> (variant: VariantID, location: LocationID)? {
        guard let owner = quantOwners.removeValue(forKey: id) else { return nil }
        let location: LocationID? = stock.modify(Int(owner.rawValue)) { entries in
            guard let index = entries.firstIndex(where: { $0.quantID == id }) else { return nil }
            let location = entries[index].locationID
            entries.swapAt(index, entries.count - 1)
            entries.removeLast()
            return location
        }
        guard let location else { return nil }
        quantCount -= 1
        return (owner, location)
    }

    private mutating func upsertVariant(_ variant: ProductVariant) {
        if let old = variants[variant.id] {
            if old == variant { return }
            unindex(old)
        }
        variants[variant.id] = variant
        if let sku = variant.sku { variantsBySKU[sku, default: []].append(variant.id) }
        if let barcode = variant.barcode { variantsByBarcode[barcode, default: []].append(variant.id) }
        variantsByTemplate[variant.templateID, default: []].append(variant.id)
    }

    private mutating func unindex(_ variant: ProductVariant) {
        func remove<Key: Hashable>(_ id: VariantID, from index: inout TreeDictionary<Key, [VariantID]>, key: Key) {
            guard var list = index[key] else { return }
            list.removeAll { $0 == id }
            index[key] = list.isEmpty ? nil : list
        }
        if let sku = variant.sku { remove(variant.id, from: &variantsBySKU, key: sku) }
        if let barcode = variant.barcode { remove(variant.id, from: &variantsByBarcode, key: barcode) }
        remove(variant.id, from: &variantsByTemplate, key: variant.templateID)
    }
}
