import HashTreeCollections

/// Something in the source data that the projection could not apply as it stands.
///
/// These never stop the feed; the caller logs and counts them.
public enum ApplyAnomaly: Hashable, Sendable, CustomStringConvertible {
    /// A delete named a quant id the projection never saw.
    case unknownQuantDeleted(QuantID)
    /// A delete named a row the projection never saw.
    case unknownRowDeleted(SourceTable, Int32)
    /// A transaction changed a (variant, location) figure that the projection had not foreseen before applying it,
    /// so the transaction observer (stock events) had no "before" figure for it and evaluated no rule on it. A
    /// defect in stockd, never expected: reported so that it is loud.
    case unforeseenChange(VariantID, LocationID)

    public var description: String {
        switch self {
        case .unknownQuantDeleted(let id): "delete of unknown stock_quant id \(id)"
        case .unknownRowDeleted(let table, let id): "delete of unknown \(table.rawValue) id \(id)"
        case .unforeseenChange(let variant, let location):
            "variant \(variant) at location \(location) changed without being foreseen: no stock event rule was evaluated on it"
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
            if recordingChanges { recordChange(variant: removed.variant, location: removed.location) }
        case .truncate(.quants):
            stock.removeAll()
            quantOwners.removeAll()
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
            if let previousTemplate = catalogue.upsert(variant).previousTemplate { noteKitInput(template: previousTemplate) }
            noteKitInput(template: variant.templateID)
            noteKitComponentArrived(variant.id)
        case .deleteVariant(let id):
            guard let template = catalogue.removeVariant(id) else { return .unknownRowDeleted(.variants, id.rawValue) }
            noteKitInput(template: template)
        case .truncate(.variants):
            catalogue.removeAllVariants()
            noteEveryKitInput()
        case .upsertTemplate(let template):
            if catalogue.upsert(template) { noteKitInput(template: template.id) }
        case .deleteTemplate(let id):
            guard catalogue.removeTemplate(id) else { return .unknownRowDeleted(.templates, id.rawValue) }
            noteKitInput(template: id)
        case .truncate(.templates):
            catalogue.removeAllTemplates()
            noteEveryKitInput()
        case .upsertUnit(let unit):
            if units.updateValue(unit, forKey: unit.id) != unit { noteEveryKitInput() }
        case .deleteUnit(let id):
            guard units.removeValue(forKey: id) != nil else { return .unknownRowDeleted(.units, id.rawValue) }
            noteEveryKitInput()
        case .truncate(.units):
            units = [:]
            noteEveryKitInput()
        case .upsertMove(let move):
            upsertMove(move, recordingChanges: recordingChanges)
        case .closeMove(let id):
            // A close of a move never held (a done or cancelled move updated again) is normal, not an anomaly.
            removeMove(id, recordingChanges: recordingChanges)
        case .truncate(.moves):
            moves.removeAll()
            moveOwners.removeAll()
            openMoveCount = 0
            // Every variant's forecast may have changed: cursors expire, as for a truncate of the quants.
            changeLog.reset()
        default:
            return applyKitChange(change)
        }
        return nil
    }

    /// Applies a change to a manufacturing or attribute table, and notes which kits it can re-define (they are
    /// rebuilt at the transaction's end).
    private mutating func applyKitChange(_ change: StockChange) -> ApplyAnomaly? {
        switch change {
        case .upsertBoM(let bom):
            noteKitBoM(bom.id)
            kitSource.upsert(bom)
            kitStaleness.templates.insert(bom.templateID)
        case .deleteBoM(let id):
            noteKitBoM(id)
            guard kitSource.removeBoM(id) else { return .unknownRowDeleted(.boms, id.rawValue) }
        case .truncate(.boms):
            kitSource.boms = [:]
            kitSource.bomsByTemplate = [:]
            kitStaleness.all = true
        case .upsertBoMLine(let line):
            noteKitLine(line.id)
            kitSource.upsert(line)
            noteKitLine(line.id)
        case .deleteBoMLine(let id):
            noteKitLine(id)
            guard kitSource.removeLine(id) else { return .unknownRowDeleted(.bomLines, id.rawValue) }
        case .truncate(.bomLines):
            kitSource.lines = [:]
            kitSource.linesByBoM = [:]
            kitStaleness.all = true
        case .upsertAttributeValue(let value):
            // Which lines a value restricts is not indexed; value rows change rarely, so every kit is rebuilt.
            if kitSource.upsert(value) { kitStaleness.all = true }
        case .deleteAttributeValue(let id):
            guard kitSource.removeAttributeValue(id) else { return .unknownRowDeleted(.attributeValues, id.rawValue) }
            kitStaleness.all = true
        case .truncate(.attributeValues):
            kitSource.attributeOfValue.removeAll()
            kitStaleness.all = true
        case .linkBoMLineValue(let link):
            kitSource.link(link)
            noteKitLine(link.ownerID)
        case .unlinkBoMLineValue(let link):
            guard kitSource.unlink(link) else { return .unknownRowDeleted(.bomLineValues, link.ownerID.rawValue) }
            noteKitLine(link.ownerID)
        case .truncate(.bomLineValues):
            kitSource.lineValues.removeAll()
            kitStaleness.all = true
        case .linkVariantValue(let link):
            kitSource.link(link)
            if let template = catalogue.catalogueVariant(link.ownerID)?.templateID { noteKitInput(template: template) }
        case .unlinkVariantValue(let link):
            guard kitSource.unlink(link) else { return .unknownRowDeleted(.variantValues, link.ownerID.rawValue) }
            if let template = catalogue.catalogueVariant(link.ownerID)?.templateID { noteKitInput(template: template) }
        case .truncate(.variantValues):
            kitSource.variantValues.removeAll()
            kitStaleness.all = true
        default:
            return nil
        }
        return nil
    }

    /// Records a change-feed entry for a variant's stock at a location, and for every kit built from it.
    mutating func recordChange(variant: VariantID, location: LocationID) {
        changeLog.append(.init(variantID: variant, locationID: location))
        if !kits.isEmpty { recordKitChanges(component: variant, location: location) }
    }

    private mutating func upsertQuant(_ quant: Quant, recordingChanges: Bool) {
        let key = Int(quant.variantID.rawValue)
        // The common case, an update of a row the variant already holds, needs no owner look-up.
        let heldAt = stock.firstIndex(in: key) { $0.quantID == quant.id }
        if heldAt == nil, let owner = quantOwners[quant.id], owner != quant.variantID || key < 0 {
            // Odoo never moves a quant to another product, but a row may be rewritten by hand.
            if let removed = removeQuant(quant.id), recordingChanges {
                recordChange(variant: removed.variant, location: removed.location)
            }
        }
        guard key >= 0 else { return }  // Odoo ids are positive; a negative id has nowhere to live.
        let entry = StockEntry(quantID: quant.id, locationID: quant.locationID, quantity: quant.quantity, reserved: quant.reserved)
        var previousLocation: LocationID?
        if let heldAt {
            previousLocation = stock.replace(in: key, at: heldAt, with: entry).locationID
        } else {
            stock.append(entry, to: key)
        }
        if previousLocation == nil {
            quantOwners.set(quant.variantID, for: quant.id)
            quantCount += 1
        }
        if recordingChanges {
            if let previousLocation, previousLocation != quant.locationID {
                recordChange(variant: quant.variantID, location: previousLocation)
            }
            recordChange(variant: quant.variantID, location: quant.locationID)
        }
    }

    private mutating func removeQuant(_ id: QuantID) -> (variant: VariantID, location: LocationID)? {
        guard let owner = quantOwners.remove(id) else { return nil }
        let key = Int(owner.rawValue)
        let location = stock.firstIndex(in: key, where: { $0.quantID == id }).map { stock.remove(from: key, at: $0).locationID }
        guard let location else { return nil }
        quantCount -= 1
        return (owner, location)
    }
}
