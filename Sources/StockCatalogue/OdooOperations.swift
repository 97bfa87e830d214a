public import StockProjection

/// Generates stock operations the way Odoo writes them, as source transactions over a catalogue's quants:
/// internal moves (both ends in one transaction), receipts from vendors (which leave negative quants there),
/// deliveries to customers, scrap, reservations spread over several rows, quant merges and the clean-up of
/// zero quants (deletes that carry only the id).
///
/// It keeps its own copy of the quant table, so its ``quants`` are the ground truth that tests compare the
/// projection with.
public struct OdooOperations: Sendable {
    /// The current quant rows by id.
    public private(set) var quants: [QuantID: Quant]
    /// Quant ids per variant, so an operation looks at its variant's rows only.
    private var quantsByVariant: [VariantID: Set<QuantID>] = [:]
    private var nextQuantID: Int32
    var random: SeededGenerator
    let variants: [VariantID]
    let internalLocations: [LocationID]
    private var position: UInt64
    var clock: Int64
    /// BoMs, lines and templates as the BoM edits left them.
    private var boms: [BoMID: BillOfMaterials] = [:]
    private var bomLines: [BoMLineID: BoMLine] = [:]
    private var restrictedLines: Set<BoMLineID> = []
    private var templates: [TemplateID: ProductTemplate] = [:]
    private var templateOf: [VariantID: TemplateID] = [:]
    private var nextLineID: Int32
    /// `stock_move` rows as the move operations left them (open and not), when moves are generated.
    public internal(set) var moves: [MoveID: StockMove] = [:]
    /// The id the next generated move gets (set it past the database's largest `stock_move.id` when it has moves).
    public var nextMoveID: Int32 = 1
    /// The warehouses (view, stock and input locations) the move operations use.
    let warehouses: [Warehouse]
    /// Each warehouse's Input location (the first step of a two-step receipt).
    let inputLocations: [WarehouseID: LocationID]
    /// One transaction in this many is a move operation (0: none, the default, so existing seeds replay unchanged).
    public var moveRate = 0

    /// Starts from a catalogue's quants.
    ///
    /// - Parameters:
    ///   - catalogue: The catalogue whose quants and locations to operate on.
    ///   - seed: The generator's seed.
    ///   - startPosition: The checkpoint position of the first generated transaction minus one.
    ///   - currentQuants: The quants as they are now, when they have changed since the catalogue was generated.
    public init(catalogue: OdooCatalogue, seed: UInt64 = 7, startPosition: UInt64 = 1_000, currentQuants: [Quant]? = nil) {
        let rows = currentQuants ?? catalogue.quants
        quants = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        for row in rows { quantsByVariant[row.variantID, default: []].insert(row.id) }
        nextQuantID = max(catalogue.nextQuantID.rawValue, (rows.map(\.id.rawValue).max() ?? 0) + 1)
        random = SeededGenerator(seed: seed)
        let storable = Set(catalogue.templates.filter(\.storable).map(\.id)).subtracting(catalogue.kitTemplates)
        variants = catalogue.variants.filter { storable.contains($0.templateID) }.map(\.id)
        boms = Dictionary(catalogue.boms.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        bomLines = Dictionary(catalogue.bomLines.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        restrictedLines = Set(catalogue.bomLineValueLinks.map(\.ownerID))
        templates = Dictionary(catalogue.templates.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        templateOf = Dictionary(catalogue.variants.map { ($0.id, $0.templateID) }, uniquingKeysWith: { $1 })
        nextLineID = (catalogue.bomLines.map(\.id.rawValue).max() ?? 0) + 1
        internalLocations = catalogue.stockLocations
        warehouses = catalogue.warehouses
        var inputs: [WarehouseID: LocationID] = [:]
        for warehouse in catalogue.warehouses {
            inputs[warehouse.id] = catalogue.locations.first { $0.parentID == warehouse.viewLocationID && $0.completeName.hasSuffix("/Input") }?.id
        }
        inputLocations = inputs
        position = startPosition
        clock = 1_795_000_000_000_000
    }

    /// The kinds of operation generated.
    public enum Kind: CaseIterable, Sendable {
        /// An internal transfer between two warehouse locations.
        case move
        /// A receipt from Partners/Vendors.
        case receipt
        /// A delivery to Partners/Customers.
        case delivery
        /// A move to Virtual Locations/Scrap.
        case scrap
        /// Reserving or unreserving on several rows.
        case reservation
        /// Merging rows with the same key (Odoo's `_merge_quants`).
        case merge
        /// Deleting zero quants (Odoo's `_unlink_zero_quants`).
        case cleanUp
        /// Editing a bill of materials: a line's quantity, adding or removing a line, archiving or unarchiving
        /// the BoM, or (rarely) toggling a component's storable flag.
        case bomEdit

        /// The stock operations, drawn with equal rates.
        static let stock: [Kind] = [.move, .receipt, .delivery, .scrap, .reservation, .merge, .cleanUp]
    }

    /// One transaction in this many is a BoM edit (when the catalogue has BoMs).
    public static let bomEditRate = 40

    /// The next random transaction.
    public mutating func next() -> SourceTransaction {
        if moveRate > 0, Int.random(in: 0..<moveRate, using: &random) == 0 { return nextMoveOperation() }
        if !boms.isEmpty, Int.random(in: 0..<Self.bomEditRate, using: &random) == 0 { return next(.bomEdit) }
        let kind = Kind.stock.randomElement(using: &random)!
        return next(kind)
    }

    /// The next transaction of a given kind (an empty transaction when there is nothing to do).
    public mutating func next(_ kind: Kind) -> SourceTransaction {
        var changes: [StockChange] = []
        guard let variant = variants.randomElement(using: &random),
            let here = internalLocations.randomElement(using: &random)
        else { return finish(changes) }
        let amount = Quantity(units: Int.random(in: 1...10, using: &random))
        switch kind {
        case .bomEdit:
            changes = editBoM()
        case .move:
            let there = internalLocations.randomElement(using: &random)!
            changes += add(-amount, variant: variant, location: here)
            changes += add(amount, variant: variant, location: there)
        case .receipt:
            changes += add(-amount, variant: variant, location: OdooCatalogue.Standard.vendors)
            changes += add(amount, variant: variant, location: here)
        case .delivery:
            changes += add(-amount, variant: variant, location: here)
            changes += add(amount, variant: variant, location: OdooCatalogue.Standard.customers)
        case .scrap:
            changes += add(-amount, variant: variant, location: here)
            changes += add(amount, variant: variant, location: OdooCatalogue.Standard.scrap)
        case .reservation:
            let rows = rows(of: variant).filter { internalLocations.contains($0.locationID) }
                .sorted { $0.id < $1.id }
            let reserve = Bool.random(using: &random)
            var remaining = amount
            for var row in rows where remaining > .zero {
                let room = reserve ? (row.quantity - row.reserved).clampedAtZero : row.reserved
                let step = min(room, remaining)
                guard step > .zero else { continue }
                row.reserved += reserve ? step : -step
                remaining -= step
                quants[row.id] = row
                changes.append(.upsertQuant(row))
            }
        case .merge:
            var groups: [[Int32]: [Quant]] = [:]
            for quant in rows(of: variant) {
                groups[[quant.variantID.rawValue, quant.locationID.rawValue], default: []].append(quant)
            }
            for group in groups.values where group.count > 1 {
                let sorted = group.sorted { $0.id < $1.id }
                var keeper = sorted[0]
                for other in sorted.dropFirst() {
                    keeper.quantity += other.quantity
                    keeper.reserved += other.reserved
                }
                quants[keeper.id] = keeper
                changes.append(.upsertQuant(keeper))
                for other in sorted.dropFirst() {
                    remove(other.id)
                    changes.append(.deleteQuant(other.id))
                }
            }
        case .cleanUp:
            for quant in rows(of: variant) where quant.quantity == .zero && quant.reserved == .zero {
                remove(quant.id)
                changes.append(.deleteQuant(quant.id))
            }
        }
        return finish(changes)
    }

    /// One BoM edit, as the form view writes it (restricted lines are never removed, so no link rows dangle).
    private mutating func editBoM() -> [StockChange] {
        guard let bomID = boms.keys.sorted().randomElement(using: &random), var bom = boms[bomID] else { return [] }
        let lines = bomLines.values.filter { $0.bomID == bomID }.sorted { $0.id < $1.id }
        switch Int.random(in: 0..<20, using: &random) {
        case 0..<8:
            guard var line = lines.randomElement(using: &random) else { return [] }
            line.quantity = Quantity(units: Int.random(in: 1...4, using: &random))
            bomLines[line.id] = line
            return [.upsertBoMLine(line)]
        case 8..<12:
            guard let component = variants.randomElement(using: &random), let template = templateOf[component].flatMap({ templates[$0] }) else {
                return []
            }
            let line = BoMLine(
                id: BoMLineID(nextLineID), bomID: bomID, componentID: component, quantity: Quantity(units: Int.random(in: 1...3, using: &random)),
                unitID: template.unitID, sequence: Int32(lines.count + 1)
            )
            nextLineID += 1
            bomLines[line.id] = line
            return [.upsertBoMLine(line)]
        case 12..<16:
            let removable = lines.filter { !restrictedLines.contains($0.id) }
            guard removable.count > 1, let line = removable.randomElement(using: &random) else { return [] }
            bomLines[line.id] = nil
            return [.deleteBoMLine(line.id)]
        case 16..<19:
            bom.active.toggle()
            boms[bomID] = bom
            return [.upsertBoM(bom)]
        default:
            guard let line = lines.randomElement(using: &random), let templateID = templateOf[line.componentID],
                var template = templates[templateID]
            else { return [] }
            template.storable.toggle()
            templates[templateID] = template
            return [.upsertTemplate(template)]
        }
    }

    /// Odoo's `_update_available_quantity`: add to one existing row of the key, or insert a new one.
    mutating func add(_ delta: Quantity, variant: VariantID, location: LocationID) -> [StockChange] {
        let candidates = rows(of: variant).filter { $0.locationID == location }
        // One time in ten, behave as if every row were locked by another transaction: insert a duplicate.
        if var row = candidates.min(by: { $0.id < $1.id }), Int.random(in: 0..<10, using: &random) != 0 {
            row.quantity += delta
            quants[row.id] = row
            return [.upsertQuant(row)]
        }
        let row = Quant(id: QuantID(nextQuantID), variantID: variant, locationID: location, quantity: delta, reserved: .zero)
        nextQuantID += 1
        quants[row.id] = row
        quantsByVariant[variant, default: []].insert(row.id)
        return [.upsertQuant(row)]
    }

    private func rows(of variant: VariantID) -> [Quant] {
        (quantsByVariant[variant] ?? []).compactMap { quants[$0] }
    }

    private mutating func remove(_ id: QuantID) {
        if let row = quants.removeValue(forKey: id) { quantsByVariant[row.variantID]?.remove(id) }
    }

    mutating func finish(_ changes: [StockChange]) -> SourceTransaction {
        position += UInt64(Int.random(in: 1...400, using: &random))
        clock += 1_000
        return SourceTransaction(checkpoint: Checkpoint(position: position, commitTime: clock), changes: changes)
    }
}
