/// A product variant, from `product_product`.
///
/// The SKU (`default_code`) may be empty or shared by several variants; lookups by SKU return every match.
public struct ProductVariant: Hashable, Sendable {
    /// `product_product.id`.
    public var id: VariantID
    /// `product_product.product_tmpl_id`.
    public var templateID: TemplateID
    /// `product_product.default_code`, or `nil` when empty.
    public var sku: String?
    /// `product_product.barcode`, or `nil` when empty.
    public var barcode: String?
    /// `product_product.active`.
    public var active: Bool

    /// Creates a variant record; empty SKU or barcode text is stored as `nil`.
    public init(id: VariantID, templateID: TemplateID, sku: String?, barcode: String?, active: Bool) {
        self.id = id
        self.templateID = templateID
        self.sku = sku.flatMap { $0.isEmpty ? nil : $0 }
        self.barcode = barcode.flatMap { $0.isEmpty ? nil : $0 }
        self.active = active
    }
}

/// A product template, from `product_template`: what its variants share.
public struct ProductTemplate: Hashable, Sendable {
    /// `product_template.id`.
    public var id: TemplateID
    /// Whether the product keeps stock: `type = 'product'` in Odoo 16 and 17, `is_storable` in 18 and later.
    public var storable: Bool
    /// `product_template.uom_id`: the unit quants are counted in.
    public var unitID: UnitID
    /// `product_template.active`.
    public var active: Bool

    /// Creates a template record.
    public init(id: TemplateID, storable: Bool, unitID: UnitID, active: Bool) {
        self.id = id
        self.storable = storable
        self.unitID = unitID
        self.active = active
    }
}

/// A unit of measure, from `uom_uom` (Odoo 16 to 18 layout).
public struct UnitOfMeasure: Hashable, Sendable {
    /// `uom_uom.id`.
    public var id: UnitID
    /// `uom_uom.category_id`.
    public var categoryID: Int32
    /// `uom_uom.factor`: one reference unit equals `factor` of this unit (a Dozen has 1/12), kept as Odoo's text.
    public var factor: String
    /// `uom_uom.rounding`: the precision quantities in this unit are rounded to.
    public var rounding: Quantity
    /// `uom_uom.active`.
    public var active: Bool

    /// Creates a unit record.
    public init(id: UnitID, categoryID: Int32, factor: String, rounding: Quantity, active: Bool) {
        self.id = id
        self.categoryID = categoryID
        self.factor = factor
        self.rounding = rounding
        self.active = active
    }
}
