/// A kit reduced to what its figures need: the components at the leaves of its exploded BoM, each with its need
/// per BoM batch in the component's own unit, as Odoo's `_compute_quantities_dict` computes them.
public struct KitDefinition: Hashable, Sendable {
    /// The kit variant.
    public var kitID: VariantID
    /// The phantom BoM chosen for it.
    public var bomID: BoMID
    /// `mrp_bom.product_qty` of that BoM: kits per batch (not converted to the kit's unit, as in Odoo).
    public var batchQuantity: Double
    /// The limiting candidates, in Odoo's order (grouped per component from Odoo 17 on, one per leaf line in 16).
    public var needs: [KitNeed]
    /// Why the kit cannot be computed (its figures are then zero), or `nil`.
    public var problem: KitProblem?

    /// Creates a definition.
    public init(kitID: VariantID, bomID: BoMID, batchQuantity: Double, needs: [KitNeed], problem: KitProblem? = nil) {
        self.kitID = kitID
        self.bomID = bomID
        self.batchQuantity = batchQuantity
        self.needs = needs
        self.problem = problem
    }

    /// The distinct component variants.
    public var componentIDs: [VariantID] {
        var seen = Set<VariantID>()
        return needs.compactMap { seen.insert($0.componentID).inserted ? $0.componentID : nil }
    }
}

/// How much of one component a kit batch needs.
public struct KitNeed: Hashable, Sendable {
    /// The component variant.
    public var componentID: VariantID
    /// Quantity per BoM batch, in the component's unit (`qty_per_kit`).
    public var perBatch: Double
    /// The component unit's rounding (`uom_id.rounding`), used to round its figures and ratios, with what Odoo 18
    /// derives from it computed once.
    public var step: OdooFloat.Step
    /// The component unit's rounding (`uom_id.rounding`).
    public var rounding: Double { step.rounding }

    /// Creates a need.
    public init(componentID: VariantID, perBatch: Double, rounding: Double) {
        self.componentID = componentID
        self.perBatch = perBatch
        self.step = OdooFloat.Step(rounding)
    }
}

/// Why a kit's figures cannot be computed. Odoo raises an error in these cases; stockd reports the kit as
/// invalid (zero figures, `invalid` in answers), logs and counts it, and carries on.
public enum KitProblem: Hashable, Sendable, CustomStringConvertible {
    /// The BoM contains the kit itself, directly or through sub-kits.
    case cycle([VariantID])
    /// A quantity had to be converted between units of different categories, or a unit is missing.
    case unitMismatch(BoMLineID)
    /// The exploded BoM has more leaf lines than stockd expands (a runaway nesting).
    case tooLarge(lines: Int)

    /// A short machine-readable code.
    public var code: String {
        switch self {
        case .cycle: "cycle"
        case .unitMismatch: "unit_mismatch"
        case .tooLarge: "too_large"
        }
    }

    public var description: String {
        switch self {
        case .cycle(let path): "BoM cycle: " + path.map { "\($0)" }.joined(separator: " -> ")
        case .unitMismatch(let line): "BoM line \(line) converts between units of different categories (or an unknown unit)"
        case .tooLarge(let lines): "exploded BoM has more than \(lines) lines"
        }
    }
}
