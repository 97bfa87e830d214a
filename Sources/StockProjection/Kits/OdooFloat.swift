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

    /// `float_round(value, precision_rounding=rounding, rounding_method=method)`.
    public static func round(
        _ value: Double, rounding: Double, method: RoundingMethod = .halfUp, implementation: Implementation = .odoo16
    ) -> Double {
        if rounding == 0 || value == 0 { return 0 }
        switch implementation {
        case .odoo16: return round16(value, rounding: rounding, method: method)
        case .odoo18: return round18(value, rounding: rounding, method: method)
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

    private static func round18(_ value: Double, rounding: Double, method: RoundingMethod) -> Double {
        let inverted = rounding < 1
        let factor = inverted ? invert(rounding) : rounding
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
