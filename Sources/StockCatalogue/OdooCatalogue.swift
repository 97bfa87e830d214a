public import StockProjection

/// A generated catalogue shaped like an Odoo database: the standard location tree (Physical Locations,
/// Partners/Vendors and Customers, Virtual Locations with Inventory adjustment and Scrap), warehouses with
/// their Stock, Input, Quality Control, Output and Damaged locations and shelves under Stock, product templates
/// with 1 to 6 variants each (SKU and EAN-13 barcode), and quants, including some duplicate rows for one key
/// and some reservations, as Odoo writes them.
///
/// The same shape and seed always produce the same rows.
public struct OdooCatalogue: Sendable {
    /// The shape the catalogue was generated from.
    public let shape: CatalogueShape
    /// Units of measure (Units, Dozens, kg, g).
    public private(set) var units: [UnitOfMeasure] = []
    /// Product templates.
    public internal(set) var templates: [ProductTemplate] = []
    /// Product variants.
    public internal(set) var variants: [ProductVariant] = []
    /// Every location, parents before children.
    public private(set) var locations: [Location] = []
    /// Warehouses.
    public private(set) var warehouses: [Warehouse] = []
    /// Quant rows.
    public private(set) var quants: [Quant] = []
    /// Locations that hold stock in warehouses (Stock, shelves, Input, QC, Output, Damaged).
    public private(set) var stockLocations: [LocationID] = []
    /// Bills of materials (`mrp_bom`), phantom ones making kits.
    public internal(set) var boms: [BillOfMaterials] = []
    /// BoM lines (`mrp_bom_line`).
    public internal(set) var bomLines: [BoMLine] = []
    /// Template attribute values (`product_template_attribute_value`).
    public internal(set) var attributeValues: [TemplateAttributeValue] = []
    /// Variants' attribute values (`product_variant_combination`).
    public internal(set) var variantValueLinks: [VariantValueLink] = []
    /// BoM lines' attribute restrictions (`mrp_bom_line_product_template_attribute_value_rel`).
    public internal(set) var bomLineValueLinks: [BoMLineValueLink] = []
    /// The Color / Size attribute rows of multi-variant templates (the source of ``attributeValues`` and
    /// ``variantValueLinks``).
    public internal(set) var attributeRows = VariantAttributeRows(templates: [], variantsByTemplate: [:])
    /// The templates of kit products (SKUs `KIT-...`), which get no quants.
    public internal(set) var kitTemplates: Set<TemplateID> = []

    /// Well-known ids of the standard tree.
    public enum Standard {
        /// `Physical Locations`.
        public static let physical = LocationID(1)
        /// `Partners`.
        public static let partners = LocationID(2)
        /// `Partners/Vendors`.
        public static let vendors = LocationID(3)
        /// `Partners/Customers`.
        public static let customers = LocationID(4)
        /// `Virtual Locations`.
        public static let virtual = LocationID(5)
        /// `Virtual Locations/Inventory adjustment`.
        public static let inventoryAdjustment = LocationID(6)
        /// `Virtual Locations/Scrap`.
        public static let scrap = LocationID(7)
    }

    /// Generates a catalogue.
    public init(shape: CatalogueShape) {
        self.shape = shape
        var random = SeededGenerator(seed: shape.seed)
        makeUnits()
        makeLocations()
        let kitPlan = KitPlan(shape: shape)
        makeProducts(&random, count: shape.variants - kitPlan.variantCount)
        var kitRandom = SeededGenerator(seed: shape.seed &+ 0x4B49_5453)
        makeKitProducts(kitPlan, &kitRandom)
        makeAttributeRows()
        makeBoMs(kitPlan, &kitRandom)
        makeQuants(&random)
    }

    /// Every row as upserts, in an order that satisfies references (units, templates, variants, locations,
    /// warehouses, quants, then the attribute and manufacturing rows).
    public var allChanges: [StockChange] {
        var changes: [StockChange] = []
        changes.reserveCapacity(units.count + templates.count + variants.count + locations.count + warehouses.count + quants.count)
        changes += units.map(StockChange.upsertUnit)
        changes += templates.map(StockChange.upsertTemplate)
        changes += variants.map(StockChange.upsertVariant)
        changes += locations.map(StockChange.upsertLocation)
        changes += warehouses.map(StockChange.upsertWarehouse)
        changes += quants.map(StockChange.upsertQuant)
        changes += attributeValues.map(StockChange.upsertAttributeValue)
        changes += variantValueLinks.map(StockChange.linkVariantValue)
        changes += boms.map(StockChange.upsertBoM)
        changes += bomLines.map(StockChange.upsertBoMLine)
        changes += bomLineValueLinks.map(StockChange.linkBoMLineValue)
        return changes
    }

    /// The next free quant id.
    public var nextQuantID: QuantID { QuantID(Int32(quants.count + 1)) }

    private mutating func makeUnits() {
        units = [
            UnitOfMeasure(id: UnitID(1), categoryID: 1, factor: "1", rounding: Quantity(rawValue: 10_000), active: true),
            UnitOfMeasure(id: UnitID(2), categoryID: 1, factor: "0.08333333333333333", rounding: Quantity(rawValue: 10_000), active: true),
            UnitOfMeasure(id: UnitID(3), categoryID: 2, factor: "1", rounding: Quantity(rawValue: 1_000), active: true),
            UnitOfMeasure(id: UnitID(4), categoryID: 2, factor: "1000", rounding: Quantity(rawValue: 1_000), active: true),
        ]
    }

    private mutating func makeLocations() {
        func add(_ id: Int32, _ parent: Location?, _ name: String, _ usage: Location.Usage, company: Int32? = 1, active: Bool = true) -> Location {
            let completeName = (parent != nil && usage != .view) ? "\(parent!.completeName)/\(name)" : name
            let location = Location(
                id: LocationID(id),
                parentID: parent?.id,
                parentPath: (parent?.parentPath ?? "") + "\(id)/",
                completeName: completeName,
                usage: usage,
                companyID: company.map { CompanyID($0) },
                active: active
            )
            locations.append(location)
            return location
        }
        let physical = add(1, nil, "Physical Locations", .view, company: nil)
        let partners = add(2, nil, "Partners", .view, company: nil)
        _ = add(3, partners, "Vendors", .supplier, company: nil)
        _ = add(4, partners, "Customers", .customer, company: nil)
        let virtual = add(5, nil, "Virtual Locations", .view, company: nil)
        _ = add(6, virtual, "Inventory adjustment", .inventory)
        _ = add(7, virtual, "Scrap", .inventory)
        var next: Int32 = 8
        func nextID() -> Int32 {
            defer { next += 1 }
            return next
        }
        for index in 0..<shape.warehouses {
            let code = index == 0 ? "WH" : "WH\(index + 1)"
            let view = add(nextID(), physical, code, .view)
            let stock = add(nextID(), view, "Stock", .internal)
            let input = add(nextID(), view, "Input", .internal)
            let qc = add(nextID(), view, "Quality Control", .internal)
            let output = add(nextID(), view, "Output", .internal)
            let damaged = add(nextID(), view, "Damaged", .internal)
            var shelves: [Location] = []
            for shelf in 0..<shape.shelvesPerWarehouse {
                shelves.append(add(nextID(), stock, "Shelf \(shelf + 1)", .internal))
            }
            stockLocations += [stock.id] + shelves.map(\.id) + [input.id, output.id, qc.id, damaged.id]
            warehouses.append(
                Warehouse(
                    id: WarehouseID(Int32(index + 1)),
                    code: code,
                    name: index == 0 ? "San Francisco" : "Warehouse \(index + 1)",
                    viewLocationID: view.id,
                    stockLocationID: stock.id,
                    qualityControlLocationID: qc.id,
                    companyID: CompanyID(1),
                    active: true
                )
            )
        }
    }

    static let nouns = ["CHAIR", "DESK", "LAMP", "SOFA", "SHELF", "TABLE", "STOOL", "BENCH", "CABINET", "RUG", "MIRROR", "BED"]
    private static let colors = ["RED", "BLUE", "GREEN", "BLACK", "WHITE", "OAK"]
    private static let sizes = ["S", "M", "L", "XL"]

    private mutating func makeProducts(_ random: inout SeededGenerator, count total: Int) {
        var variantID: Int32 = 1
        var templateID: Int32 = 1
        while variants.count < total {
            let count = min(Int.random(in: 1...6, using: &random), total - variants.count)
            let storable = Int.random(in: 0..<20, using: &random) != 0  // 1 in 20 is a consumable
            let unit = Int.random(in: 0..<10, using: &random) == 0 ? UnitID(3) : UnitID(1)
            templates.append(ProductTemplate(id: TemplateID(templateID), storable: storable, unitID: unit, active: true))
            let noun = Self.nouns[Int(templateID) % Self.nouns.count]
            for ordinal in 0..<count {
                let color = Self.colors[ordinal % Self.colors.count]
                let size = Self.sizes[(ordinal / Self.colors.count) % Self.sizes.count]
                // Every 500th variant shares its SKU with the previous one, and every 250th has none, as in real data.
                let sku: String? =
                    variantID % 250 == 0
                    ? nil
                    : variantID % 500 == 1 && variantID > 1
                        ? variants.last?.sku
                        : "\(noun)-\(templateID)-\(color)-\(size)"
                variants.append(
                    ProductVariant(
                        id: VariantID(variantID),
                        templateID: TemplateID(templateID),
                        sku: sku,
                        barcode: Self.ean13(for: variantID),
                        active: variantID % 97 != 0
                    )
                )
                variantID += 1
            }
            templateID += 1
        }
    }

    /// A valid EAN-13 barcode with a 590 prefix, unique per variant id.
    static func ean13(for id: Int32) -> String {
        let number = String(id)
        let body = "590" + String(repeating: "0", count: max(0, 9 - number.count)) + number
        var sum = 0
        for (offset, character) in body.enumerated() {
            let digit = character.wholeNumberValue ?? 0
            sum += offset % 2 == 0 ? digit : digit * 3
        }
        return body + String((10 - sum % 10) % 10)
    }

    private mutating func makeQuants(_ random: inout SeededGenerator) {
        var quantID: Int32 = 1
        let levels = min(shape.levelsPerVariant, stockLocations.count)
        quants.reserveCapacity(shape.variants * max(levels, 1))
        for variant in variants where templates[Int(variant.templateID.rawValue) - 1].storable && !kitTemplates.contains(variant.templateID) {
            let unit = templates[Int(variant.templateID.rawValue) - 1].unitID
            var start = Int.random(in: 0..<stockLocations.count, using: &random)
            for _ in 0..<levels {
                let location = stockLocations[start % stockLocations.count]
                start += Int.random(in: 1...3, using: &random)
                let whole = Int.random(in: 0...120, using: &random)
                var quantity = Quantity(units: whole)
                if unit == UnitID(3) { quantity += Quantity(rawValue: Int64(Int.random(in: 0..<1000, using: &random)) * 1_000) }
                let reserved = Int.random(in: 0..<4, using: &random) == 0 ? Quantity(units: min(whole, Int.random(in: 0...5, using: &random))) : .zero
                quants.append(Quant(id: QuantID(quantID), variantID: variant.id, locationID: location, quantity: quantity, reserved: reserved))
                quantID += 1
                // One quant in 50 has a second row for the same key, as Odoo leaves them until it merges.
                if Int.random(in: 0..<50, using: &random) == 0 {
                    quants.append(
                        Quant(id: QuantID(quantID), variantID: variant.id, locationID: location, quantity: Quantity(units: 1), reserved: .zero))
                    quantID += 1
                }
            }
        }
    }
}
