/// One line of a kit's exploded BoM, for explanations (`GET /v1/kits/{sku}`), in Odoo's explosion order.
public struct KitExpansionNode: Hashable, Sendable {
    /// The BoM line.
    public var lineID: BoMLineID
    /// The BoM the line belongs to.
    public var bomID: BoMID
    /// The line above, when this line belongs to a sub-kit's BoM.
    public var parentLineID: BoMLineID?
    /// The line's component.
    public var componentID: VariantID
    /// The line quantity per batch of the kit's BoM, in the line's unit (rounded up to it for leaves, as Odoo does).
    public var quantity: Double
    /// The line's unit.
    public var unitID: UnitID
    /// Set when the component is itself a kit and was exploded through this BoM.
    public var subBoMID: BoMID?
    /// Why the line does not count, or `nil` when it does.
    public var ignored: IgnoredReason?

    /// Why a line of an exploded BoM does not limit the kit.
    public enum IgnoredReason: String, Hashable, Sendable {
        /// The line is restricted to attribute values the variant does not carry.
        case attributeValues = "attribute_values"
        /// The component keeps no stock (a consumable or service).
        case notStorable = "not_storable"
        /// The line quantity rounds to zero (an optional line).
        case zeroQuantity = "zero_quantity"
        /// The component's product row is unknown.
        case unknownComponent = "unknown_component"
    }
}
