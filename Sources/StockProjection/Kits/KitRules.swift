/// How Odoo turns a kit's BoM into figures: the steps that differ between Odoo 16, 17 and 18.
///
/// Odoo changed its kit arithmetic in stable fixes that were forward-ported across versions (odoo/odoo#120752
/// grouped lines per component in 2023; #182265 and the 16.0 commits a603ec16/70b85484 rounded ratios and the
/// result in late 2024; #208360/#208374 made ratios round down in May 2025; #215821 stopped rounding sub-kit
/// quantities in 17 and 18 in June 2025). ``init(odooVersion:)`` gives each version's rules at its current patch
/// level; docs/kits.md has the table and the sources.
///
/// In every version: leaf line quantities are rounded up to the line's unit; each component figure is rounded
/// half-up to the component's unit; the result is floored to a whole number (`// 1`).
public struct KitRules: Hashable, Sendable {
    /// Whether needs of one component on several leaf lines are summed, or each line is its own ratio (16.0 before May 2023).
    public var groupsLinesByComponent: Bool
    /// How each ratio (figure ÷ need) is rounded to the component's unit rounding, or `nil` when it is not.
    public var ratioRounding: OdooFloat.RoundingMethod?
    /// Whether `min ratio × BoM quantity` is rounded half-up to the last component's unit rounding before the floor.
    public var roundsBatchesToLastComponent: Bool
    /// Whether a sub-kit's quantity is rounded up to the sub-BoM's unit when it is exploded (16; 17 and 18 no longer).
    public var roundsSubKitQuantities: Bool
    /// Whether a sub-kit's lines are exploded before the remaining lines of its parent (17, 18) or after them (16).
    /// The order decides which component is "last" for the final rounding.
    public var explodesSubKitsFirst: Bool
    /// Whether a variant-specific BoM beats a template-level BoM of the same `sequence` (18) or loses to it (16, 17).
    public var variantBoMWinsTie: Bool
    /// Which `float_round` implementation Odoo uses.
    public var floatRounding: OdooFloat.Implementation

    /// Creates rules.
    public init(
        groupsLinesByComponent: Bool = true,
        ratioRounding: OdooFloat.RoundingMethod? = .down,
        roundsBatchesToLastComponent: Bool = true,
        roundsSubKitQuantities: Bool = false,
        explodesSubKitsFirst: Bool = true,
        variantBoMWinsTie: Bool = false,
        floatRounding: OdooFloat.Implementation = .odoo16
    ) {
        self.groupsLinesByComponent = groupsLinesByComponent
        self.ratioRounding = ratioRounding
        self.roundsBatchesToLastComponent = roundsBatchesToLastComponent
        self.roundsSubKitQuantities = roundsSubKitQuantities
        self.explodesSubKitsFirst = explodesSubKitsFirst
        self.variantBoMWinsTie = variantBoMWinsTie
        self.floatRounding = floatRounding
    }

    /// The rules of an Odoo major version (16, 17 or 18) at its current patch level; later versions get 18's.
    public init(odooVersion: Int) {
        switch odooVersion {
        case ...16:
            self.init(roundsSubKitQuantities: true, explodesSubKitsFirst: false, variantBoMWinsTie: false, floatRounding: .odoo16)
        case 17:
            self.init(roundsSubKitQuantities: false, explodesSubKitsFirst: true, variantBoMWinsTie: false, floatRounding: .odoo16)
        default:
            self.init(roundsSubKitQuantities: false, explodesSubKitsFirst: true, variantBoMWinsTie: true, floatRounding: .odoo18)
        }
    }

    /// `float_round` under these rules.
    @inline(__always)
    func round(_ value: Double, rounding: Double, method: OdooFloat.RoundingMethod = .halfUp) -> Double {
        OdooFloat.round(value, rounding: rounding, method: method, implementation: floatRounding)
    }

    /// `float_round` to a precomputed step (the kit figures' hot path: no allocation with Odoo 18's rules either).
    @inline(__always)
    func round(_ value: Double, step: OdooFloat.Step, method: OdooFloat.RoundingMethod = .halfUp) -> Double {
        OdooFloat.round(value, step: step, method: method, implementation: floatRounding)
    }

    /// `float_is_zero` under these rules.
    func isZero(_ value: Double, rounding: Double) -> Bool {
        value == 0 || Swift.abs(round(value, rounding: rounding)) < rounding
    }
}
