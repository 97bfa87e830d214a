import Foundation
import StockCatalogue
import Testing

@testable import StockProjection

/// `OdooFloat` once used Foundation (`pow`, `log`, `log2`, `String(format: "%.15e")`); it now uses swift-numerics
/// and its own `%.15e` formatter. These tests pin the new code to the old on many values, bit for bit.
@Suite struct OdooFloatFoundationTests {
    /// Doubles of every magnitude: random bit patterns, decimal steps, ties at the 17th digit, and edges.
    static let values: [Double] = {
        var generator = SeededGenerator(seed: 2026)
        var values: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.01, 0.001, 0.5, 0.3, 1.0 / 3, 1.0 / 12, 0.08333333333333333, 12, 0.03, 0.07,
            0.0001, 0.00001, 2.5e-7, 1e-10, 1e-300, 5e-324, Double.leastNormalMagnitude, Double.leastNonzeroMagnitude,
            Double.greatestFiniteMagnitude, 9.999999999999999e22, 9.9999999999999995, 0.99999999999999995,
            1234567890123456.5, 1234567890123457.5, 9_007_199_254_740_993, 123456789012345.25, 1e15 + 0.5,
        ]
        for _ in 0..<20_000 {
            let bits = UInt64.random(in: 0...UInt64.max, using: &generator)
            let value = Double(bitPattern: bits)
            if value.isFinite { values.append(value) }
        }
        for _ in 0..<20_000 {
            let digits = Double(Int.random(in: 1...999_999, using: &generator))
            values.append(digits / Foundation.pow(10.0, Double(Int.random(in: 0...12, using: &generator))))
        }
        for _ in 0..<5_000 {
            // Integers plus one half above 10^15 have an exact 17th digit of 5: a tie at %.15e.
            values.append(Double(Int64.random(in: 1_000_000_000_000_000...4_000_000_000_000_000, using: &generator)) + 0.5)
        }
        return values
    }()

    @Test func scientificTextMatchesPrintf() {
        var mismatches: [String] = []
        for value in Self.values {
            let expected = String(format: "%.15e", value)
            let actual = OdooFloat.scientificText(value)
            if actual != expected { mismatches.append("\(value.bitPattern): \(actual) != \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, e.g. \(mismatches.prefix(5))")
        #expect(OdooFloat.scientificText(.infinity) == String(format: "%.15e", Double.infinity))
        #expect(OdooFloat.scientificText(-.infinity) == String(format: "%.15e", -Double.infinity))
        #expect(OdooFloat.scientificText(0.01) == "1.000000000000000e-02")
        #expect(OdooFloat.scientificText(1234567890123456.5) == "1.234567890123456e+15")
        #expect(OdooFloat.scientificText(1234567890123457.5) == "1.234567890123458e+15")
    }

    @Test func invertMatchesTheFoundationVersion() {
        for value in Self.values where value > 0 && value < 1 {
            let expected = Self.foundationInvert(value)
            let actual = OdooFloat.invert(value)
            #expect(actual.bitPattern == expected.bitPattern, "invert(\(value))")
        }
    }

    @Test(arguments: [OdooFloat.Implementation.odoo16, .odoo18])
    func roundMatchesTheFoundationVersion(implementation: OdooFloat.Implementation) {
        let roundings: [Double] = [1, 0.1, 0.01, 0.001, 0.0001, 0.5, 0.03, 1.0 / 12, 0.08333333333333333, 12, 2.5, 0.07]
        var generator = SeededGenerator(seed: implementation == .odoo16 ? 16 : 18)
        var checked = 0
        for rounding in roundings {
            for method in [OdooFloat.RoundingMethod.halfUp, .up, .down] {
                for _ in 0..<2_000 {
                    let value =
                        Double(Int.random(in: -10_000_000...10_000_000, using: &generator)) / 1_000
                        * (Bool.random(using: &generator) ? 1 : 1.0 / 3)
                    let expected = Self.foundationRound(value, rounding: rounding, method: method, implementation: implementation)
                    let actual = OdooFloat.round(value, rounding: rounding, method: method, implementation: implementation)
                    if actual.bitPattern != expected.bitPattern {
                        Issue.record("round(\(value), \(rounding), \(method)): \(actual) != \(expected)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == roundings.count * 3 * 2_000)
    }

    // MARK: - The Foundation implementation this replaced (as of commit ea47106)

    static func foundationRound(
        _ value: Double, rounding: Double, method: OdooFloat.RoundingMethod, implementation: OdooFloat.Implementation
    ) -> Double {
        if rounding == 0 || value == 0 { return 0 }
        switch implementation {
        case .odoo16:
            var normalized = value / rounding
            let sign = normalized.sign == .minus ? -1.0 : 1.0
            let epsilon = Foundation.pow(2.0, Foundation.log(Swift.abs(normalized)) / Foundation.log(2.0) - 52)
            let rounded: Double
            switch method {
            case .up:
                normalized -= sign * epsilon
                rounded = Swift.abs(normalized).rounded(.up) * sign
            case .down:
                normalized += sign * epsilon
                rounded = Swift.abs(normalized).rounded(.down) * sign
            case .halfUp:
                rounded = OdooFloat.python2Round(normalized + sign * epsilon)
            }
            return rounded * rounding
        case .odoo18:
            let inverted = rounding < 1
            let factor = inverted ? foundationInvert(rounding) : rounding
            let normalized = inverted ? value * factor : value / factor
            let sign = normalized.sign == .minus ? -1.0 : 1.0
            let epsilon = Foundation.pow(2.0, Foundation.log2(Swift.abs(normalized)) - 50)
            let result: Double
            switch method {
            case .halfUp: result = OdooFloat.python2Round(normalized + sign * epsilon)
            case .up: result = (normalized + sign * (1 - epsilon)).rounded(.towardZero)
            case .down: result = (normalized + sign * epsilon).rounded(.towardZero)
            }
            return inverted ? result / factor : result * factor
        }
    }

    static func foundationInvert(_ value: Double) -> Double {
        for exponent in 1...10 {
            if value == Double("1e-\(exponent)")! { return Double("1e\(exponent)")! }
            if value == Double("2e-\(exponent)")! { return Double("5e\(exponent - 1)")! }
            if value == Double("5e-\(exponent)")! { return Double("2e\(exponent - 1)")! }
        }
        let text = String(format: "%.15e", value)
        guard let e = text.firstIndex(of: "e"), let coefficient = Double(text[..<e]), let exponent = Int(text[text.index(after: e)...]) else {
            return 1 / value
        }
        guard let scaled = Double("\(text[..<e])e\(-exponent)") else { return 1 / value }
        return scaled / (coefficient * coefficient)
    }
}
