import RealModule

/// Odoo's float helpers (`odoo/tools/float_utils.py`), reproduced bit for bit on `Double`.
///
/// Kit figures must equal Odoo's, and Odoo computes them in binary floating point with rounding at set steps:
/// exact decimal arithmetic gives different answers (a Dozen's factor is stored as 0.08333333333333333, so 48
/// Dozen are 576.0000000000000230… Units exactly but 576.0 in floating point). Python's `float` is an IEEE
/// double, so `Double` with the same operations in the same order gives the same bits.
public enum OdooFloat {
    /// A rounding method of `float_round`.
    public enum RoundingMethod: String, Hashable, Sendable {
        /// Ties away from zero (Odoo's default).
        case halfUp = "HALF-UP"
        /// Away from zero.
        case up = "UP"
        /// Toward zero.
        case down = "DOWN"
    }

    /// The two implementations of `float_round`: 16 and 17, and the rewrite of odoo/odoo#152709 used by 18.
    public enum Implementation: String, Hashable, Sendable {
        /// Normalise by dividing, nudge by 2^(log2|n| − 52).
        case odoo16
        /// Normalise by multiplying with the inverted step when it is below 1, nudge by 2^(log2|n| − 50), `trunc`.
        case odoo18
    }

    /// A rounding step with what Odoo 18 derives from it once, so rounding to it repeatedly costs no
    /// allocation: 18's `float_invert` of a step below 1 that is not 1, 2 or 5 × 10⁻ⁿ goes through decimal text.
    public struct Step: Hashable, Sendable {
        /// The step (`precision_rounding`, a unit's `rounding`).
        public let rounding: Double
        /// Odoo 18's multiplier for a step below 1 (`float_invert(rounding)`); the step itself otherwise.
        let factor18: Double

        /// A step whose Odoo 18 factor is not needed (Odoo 16 and 17 rounding).
        init(unchecked rounding: Double) {
            self.rounding = rounding
            factor18 = rounding
        }

        /// Precomputes the step's inverse.
        ///
        /// - Parameter rounding: The step.
        public init(_ rounding: Double) {
            self.rounding = rounding
            factor18 = rounding < 1 && rounding != 0 ? OdooFloat.invert(rounding) : rounding
        }
    }

    /// `float_round(value, precision_rounding=rounding, rounding_method=method)`.
    ///
    /// Odoo nudges the normalised value by an epsilon of about 2⁻⁵² (16, 17) or 2⁻⁵⁰ (18) of its magnitude,
    /// computed with `log` and `pow`, before rounding it to an integer. The nudge can only change the result
    /// when the normalised value lies within a few epsilons of where the rounding changes (a half for `HALF-UP`,
    /// an integer for `UP` and `DOWN`); everywhere else this skips `log` and `pow` and rounds directly, and near
    /// those points it runs the exact port. `OdooFloatFastPathTests` checks both paths bit for bit on millions of
    /// inputs for both implementations.
    public static func round(
        _ value: Double, rounding: Double, method: RoundingMethod = .halfUp, implementation: Implementation = .odoo16
    ) -> Double {
        if rounding == 0 || value == 0 { return 0 }
        switch implementation {
        case .odoo16:
            return round(value, step: Step(unchecked: rounding), method: method, implementation: .odoo16)
        case .odoo18:
            return round(value, step: Step(rounding), method: method, implementation: .odoo18)
        }
    }

    /// `float_round(value, precision_rounding=step.rounding, rounding_method=method)` with the step's inverse
    /// computed beforehand: the same bits as ``round(_:rounding:method:implementation:)``, without allocating.
    @inline(__always)
    public static func round(_ value: Double, step: Step, method: RoundingMethod = .halfUp, implementation: Implementation = .odoo16) -> Double {
        let rounding = step.rounding
        if rounding == 0 || value == 0 { return 0 }
        switch implementation {
        case .odoo16:
            let normalized = value / rounding
            guard let magnitude = roundedMagnitudeUnlessNearAStep(Swift.abs(normalized), method: method) else {
                return round16(value, rounding: rounding, method: method)
            }
            return (normalized.sign == .minus ? -magnitude : magnitude) * rounding
        case .odoo18:
            let inverted = rounding < 1
            let factor = step.factor18
            let normalized = inverted ? value * factor : value / factor
            guard let magnitude = roundedMagnitudeUnlessNearAStep(Swift.abs(normalized), method: method) else {
                return round18(value, factor: factor, inverted: inverted, method: method)
            }
            let result = normalized.sign == .minus ? -magnitude : magnitude
            return inverted ? result / factor : result * factor
        }
    }

    /// The exact port of `float_round`, nudge and all: what ``round(_:rounding:method:implementation:)`` falls back
    /// to near a rounding step, and returns the same bits as everywhere (public for the benchmarks that compare them).
    public static func roundExact(_ value: Double, rounding: Double, method: RoundingMethod, implementation: Implementation) -> Double {
        if rounding == 0 || value == 0 { return 0 }
        switch implementation {
        case .odoo16: return round16(value, rounding: rounding, method: method)
        case .odoo18:
            let inverted = rounding < 1
            return round18(value, factor: inverted ? invert(rounding) : rounding, inverted: inverted, method: method)
        }
    }

    /// The integer that `float_round` rounds the normalised magnitude `magnitude` to, when Odoo's nudge cannot
    /// change it; `nil` when it might (then the exact port must run).
    ///
    /// The nudge is at most about 2⁻⁵⁰ × `magnitude` (Odoo 18; 2⁻⁵² before), and adding it rounds by at most half
    /// an ulp, so a margin of 2⁻⁴⁴ × `magnitude` around each point where the result changes is more than enough.
    /// Whole numbers are decided here too: the nudge never moves them to the next integer below 2⁴⁰. Above 2⁴⁰ the
    /// nudge reaches whole units, so those always take the exact path (no stock quantity is that large).
    @inline(__always)
    static func roundedMagnitudeUnlessNearAStep(_ magnitude: Double, method: RoundingMethod) -> Double? {
        guard magnitude < 0x1p40 else { return nil }
        let whole = magnitude.rounded(.down)
        let fraction = magnitude - whole  // exact: both are below 2^40 and within 1 of each other
        let margin = magnitude * 0x1p-44
        switch method {
        case .halfUp:
            if Swift.abs(fraction - 0.5) <= margin { return nil }
            return fraction < 0.5 ? whole : whole + 1
        case .up:
            if fraction == 0 { return whole }
            if fraction <= margin || fraction >= 1 - margin { return nil }
            return whole + 1
        case .down:
            if fraction == 0 { return whole }
            if fraction <= margin || fraction >= 1 - margin { return nil }
            return whole
        }
    }

    private static func round16(_ value: Double, rounding: Double, method: RoundingMethod) -> Double {
        var normalized = value / rounding
        let sign = normalized.sign == .minus ? -1.0 : 1.0
        let epsilon = Double.pow(2.0, Double.log(Swift.abs(normalized)) / Double.log(2.0) - 52)  // math.log(x, 2)
        let rounded: Double
        switch method {
        case .up:
            normalized -= sign * epsilon
            rounded = Swift.abs(normalized).rounded(.up) * sign
        case .down:
            normalized += sign * epsilon
            rounded = Swift.abs(normalized).rounded(.down) * sign
        case .halfUp:
            rounded = python2Round(normalized + sign * epsilon)
        }
        return rounded * rounding
    }

    /// Odoo 18's `float_round` once the step's factor is known (`float_invert(rounding)` when `inverted`).
    private static func round18(_ value: Double, factor: Double, inverted: Bool, method: RoundingMethod) -> Double {
        let normalized = inverted ? value * factor : value / factor
        let sign = normalized.sign == .minus ? -1.0 : 1.0
        let epsilon = Double.pow(2.0, Double.log2(Swift.abs(normalized)) - 50)
        let result: Double
        switch method {
        case .halfUp: result = python2Round(normalized + sign * epsilon)
        case .up: result = (normalized + sign * (1 - epsilon)).rounded(.towardZero)
        case .down: result = (normalized + sign * epsilon).rounded(.towardZero)
        }
        return inverted ? result / factor : result * factor
    }

    /// Odoo's `float_utils.round`: Python 2 rounding, half away from zero.
    static func python2Round(_ value: Double) -> Double {
        let nearestEven = value.rounded(.toNearestOrEven)  // Python 3's round()
        if (value + 1).rounded(.toNearestOrEven) - nearestEven != 1 {
            return value + (value.sign == .minus ? -0.5 : 0.5)
        }
        return nearestEven.sign == value.sign ? nearestEven : -nearestEven
    }

    /// Odoo 18's `float_invert`: exact inverses for the usual steps (1e-n, 2e-n, 5e-n), else via the decimal text.
    static func invert(_ value: Double) -> Double {
        if let exact = exactInverses[value] { return exact }
        // f"{value:.15e}" → coefficient and exponent; float(f"{c}e{-e}") / float(c) ** 2
        let text = scientificText(value)
        guard let e = text.firstIndex(of: "e"), let coefficient = Double(text[..<e]), let exponent = Int(text[text.index(after: e)...]) else {
            return 1 / value
        }
        guard let scaled = Double("\(text[..<e])e\(-exponent)") else { return 1 / value }
        return scaled / (coefficient * coefficient)
    }

    private static let exactInverses: [Double: Double] = {
        var table: [Double: Double] = [:]
        for exponent in 1...10 {
            table[Double("1e-\(exponent)")!] = Double("1e\(exponent)")!
            table[Double("2e-\(exponent)")!] = Double("5e\(exponent - 1)")!
            table[Double("5e-\(exponent)")!] = Double("2e\(exponent - 1)")!
        }
        return table
    }()

    /// Python's `x // 1` on a float: the floor, toward minus infinity.
    public static func floorDivideByOne(_ value: Double) -> Double { value.rounded(.down) }

    /// Python's `float(Decimal(text))` for a quantity with at most six decimals: the nearest double.
    public static func double(_ quantity: Quantity) -> Double {
        // Both operands are exact doubles and IEEE division rounds correctly, so this is the nearest double.
        Double(quantity.rawValue) / Double(Quantity.scale)
    }
}
