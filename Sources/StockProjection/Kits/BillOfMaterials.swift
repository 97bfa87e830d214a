/// A bill of materials, from `mrp_bom`. Only active `phantom` BoMs make kits; `normal` ones matter only as the
/// reason a component is *not* exploded further.
public struct BillOfMaterials: Hashable, Sendable {
    /// `mrp_bom.id`.
    public var id: BoMID
    /// `mrp_bom.product_tmpl_id`: the template the BoM makes.
    public var templateID: TemplateID
    /// `mrp_bom.product_id`: set for a variant-specific BoM, `nil` for a template-level one.
    public var variantID: VariantID?
    /// Whether `mrp_bom.type` is `phantom` (a kit).
    public var isKit: Bool
    /// `mrp_bom.product_qty`: how many finished units one batch of the BoM yields.
    public var quantity: Quantity
    /// `mrp_bom.product_uom_id`.
    public var unitID: UnitID
    /// `mrp_bom.active`.
    public var active: Bool
    /// `mrp_bom.sequence`, which may be NULL (sorted after every numbered BoM).
    public var sequence: Int32?
    /// `mrp_bom.company_id`.
    public var companyID: CompanyID?

    /// Creates a BoM record.
    public init(
        id: BoMID, templateID: TemplateID, variantID: VariantID?, isKit: Bool, quantity: Quantity, unitID: UnitID,
        active: Bool, sequence: Int32?, companyID: CompanyID?
    ) {
        self.id = id
        self.templateID = templateID
        self.variantID = variantID
        self.isKit = isKit
        self.quantity = quantity
        self.unitID = unitID
        self.active = active
        self.sequence = sequence
        self.companyID = companyID
    }
}

/// A line of a bill of materials, from `mrp_bom_line`.
public struct BoMLine: Hashable, Sendable {
    /// `mrp_bom_line.id`.
    public var id: BoMLineID
    /// `mrp_bom_line.bom_id`.
    public var bomID: BoMID
    /// `mrp_bom_line.product_id`: the component variant.
    public var componentID: VariantID
    /// `mrp_bom_line.product_qty`, in ``unitID`` (zero for an optional line, which is ignored).
    public var quantity: Quantity
    /// `mrp_bom_line.product_uom_id`.
    public var unitID: UnitID
    /// `mrp_bom_line.sequence`.
    public var sequence: Int32

    /// Creates a BoM line record.
    public init(id: BoMLineID, bomID: BoMID, componentID: VariantID, quantity: Quantity, unitID: UnitID, sequence: Int32) {
        self.id = id
        self.bomID = bomID
        self.componentID = componentID
        self.quantity = quantity
        self.unitID = unitID
        self.sequence = sequence
    }
}

/// A value of an attribute on one template, from `product_template_attribute_value` (a "PTAV"): what BoM lines are
/// restricted to and what variants are made of.
public struct TemplateAttributeValue: Hashable, Sendable {
    /// `product_template_attribute_value.id`.
    public var id: AttributeValueID
    /// `product_template_attribute_value.attribute_id`.
    public var attributeID: AttributeID

    /// Creates a template attribute value record.
    public init(id: AttributeValueID, attributeID: AttributeID) {
        self.id = id
        self.attributeID = attributeID
    }
}

/// A row of a many-to-many table that links a record to a template attribute value:
/// `mrp_bom_line_product_template_attribute_value_rel` (a BoM line applies only to variants carrying the value)
/// or `product_variant_combination` (a variant carries the value).
public struct AttributeValueLink<Owner>: Hashable, Sendable {
    /// The BoM line or variant.
    public var ownerID: OdooID<Owner>
    /// The template attribute value.
    public var valueID: AttributeValueID

    /// Creates a link.
    public init(ownerID: OdooID<Owner>, valueID: AttributeValueID) {
        self.ownerID = ownerID
        self.valueID = valueID
    }
}

/// A BoM line's restriction to an attribute value (`mrp_bom_line_product_template_attribute_value_rel`).
public typealias BoMLineValueLink = AttributeValueLink<BoMLine>
/// A variant's attribute value (`product_variant_combination`).
public typealias VariantValueLink = AttributeValueLink<ProductVariant>

/// A bill of materials (`mrp_bom`).
public typealias BoMID = OdooID<BillOfMaterials>
/// A bill of materials line (`mrp_bom_line`).
public typealias BoMLineID = OdooID<BoMLine>
/// A template attribute value (`product_template_attribute_value`).
public typealias AttributeValueID = OdooID<TemplateAttributeValue>
/// A product attribute (`product_attribute`).
public typealias AttributeID = OdooID<ProductAttribute>

/// Marker for attribute identifiers; stockd keeps no attribute records of its own.
public enum ProductAttribute {}
