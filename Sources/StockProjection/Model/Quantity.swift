/// An exact stock quantity: a signed fixed-point number with six decimal places.
///
/// Odoo stores quantities in PostgreSQL `numeric` columns and rounds them to the product unit's precision
/// (at most a few decimals; the `Product Unit of Measure` precision defaults to 2). stockd keeps them as a
/// scaled `Int64` count of millionths, so sums are exact and never drift as binary floating point does.
///
/// The representable range is ±9,223,372,036,854.775807 units. Arithmetic saturates at that range instead
/// of trapping: a saturated figure is wrong by construction, but no real warehouse holds trillions of units
/// of one variant, and stockd must never crash on replication data. ``isSaturated`` tells when it happened.
@frozen
public struct Quantity: Hashable, Comparable, Sendable {
    /// The number of decimal places kept.
    public static let decimalPlaces = 6
    /// The number of raw units in one whole unit (10^6).
    public static let scale: Int64 = 1_000_000

    /// The value in millionths of a unit.
    public var rawValue: Int64

    /// Creates a quantity from a count of millionths of a unit.
    @inlinable
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// Creates a quantity of whole units.
    ///
    /// - Parameter units: The number of whole units; values beyond the representable range saturate.
    @inlinable
    public init(units: Int) {
        let (product, overflow) = Int64(clamping: units).multipliedReportingOverflow(by: Self.scale)
        self.rawValue = overflow ? (units < 0 ? .min : .max) : product
    }

    /// Zero units.
    public static let zero = Quantity(rawValue: 0)

    /// Whether the value sits at the edge of the range, as it does after an arithmetic overflow.
    @inlinable
    public var isSaturated: Bool { rawValue == .max || rawValue == .min }

    @inlinable
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Adds two quantities exactly, saturating at the ends of the range.
    @inlinable
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity {
        let (sum, overflow) = lhs.rawValue.addingReportingOverflow(rhs.rawValue)
        if overflow { return Quantity(rawValue: rhs.rawValue > 0 ? .max : .min) }
        return Quantity(rawValue: sum)
    }

    /// Subtracts two quantities exactly, saturating at the ends of the range.
    @inlinable
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity {
        let (difference, overflow) = lhs.rawValue.subtractingReportingOverflow(rhs.rawValue)
        if overflow { return Quantity(rawValue: rhs.rawValue > 0 ? .min : .max) }
        return Quantity(rawValue: difference)
    }

    /// Adds in place, saturating.
    @inlinable
    public static func += (lhs: inout Quantity, rhs: Quantity) { lhs = lhs + rhs }

    /// Subtracts in place, saturating.
    @inlinable
    public static func -= (lhs: inout Quantity, rhs: Quantity) { lhs = lhs - rhs }

    /// The negated quantity (saturating for the most negative value).
    @inlinable
    public static prefix func - (value: Quantity) -> Quantity {
        value.rawValue == .min ? Quantity(rawValue: .max) : Quantity(rawValue: -value.rawValue)
    }

    /// The larger of this quantity and zero.
    @inlinable
    public var clampedAtZero: Quantity { rawValue < 0 ? .zero : self }
}

extension Quantity: CustomStringConvertible {
    /// The exact decimal text, with no trailing zeros after the point: `12`, `2.5`, `-0.000001`.
    public var description: String {
        let negative = rawValue < 0
        let magnitude = rawValue.magnitude
        let whole = magnitude / UInt64(Self.scale)
        var fraction = magnitude % UInt64(Self.scale)
        var text = negative ? "-" : ""
        text += String(whole)
        if fraction != 0 {
            var digits = Self.decimalPlaces
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let fractionText = String(fraction)
            text += "."
            text += String(repeating: "0", count: digits - fractionText.count)
            text += fractionText
        }
        return text
    }
}
