import StockCatalogue
import Testing

@testable import StockProjection

/// `OdooFloat.round` skips Odoo's `log`/`pow` nudge where it cannot change the result. These tests prove the fast
/// path bit-identical to the exact port (`roundExact`) on millions of inputs, for both implementations (Odoo 16 and
/// 17 share one, 18 has its own) and every rounding method, with the inputs that matter most over-represented:
/// values a few ulps either side of a half and of a whole step, whole numbers, and kit-like products.
@Suite struct OdooFloatFastPathTests {
    static let roundings: [Double] = [
        1, 0.1, 0.01, 0.001, 0.0001, 0.00001, 0.000001, 0.5, 0.25, 0.05, 0.02, 0.03, 0.07, 2, 5, 12, 100, 1e-10,
        0.08333333333333333, 1.0 / 3, 0.2, 0.005,
    ]

    /// One input: a value and the rounding step it is rounded to.
    struct Input {
        var value: Double
        var rounding: Double
    }

    /// A million or so inputs in five families, each also negated.
    static func inputs(count: Int, seed: UInt64) -> [Input] {
        var generator = SeededGenerator(seed: seed)
        var inputs: [Input] = []
        inputs.reserveCapacity(count * 2)
        func rounding() -> Double {
            if Bool.random(using: &generator) { return roundings.randomElement(using: &generator)! }
            let digits = Double(Int.random(in: 1...999, using: &generator))
            return digits / [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000][Int.random(in: 0...6, using: &generator)]
        }
        func nudged(_ value: Double) -> Double {
            var nudged = value
            let steps = Int.random(in: -8...8, using: &generator)
            for _ in 0..<Swift.abs(steps) { nudged = steps < 0 ? nudged.nextDown : nudged.nextUp }
            return nudged
        }
        for index in 0..<count {
            let step = rounding()
            let value: Double
            switch index % 5 {
            case 0:
                // A quantity with up to six decimals, as Odoo stores them.
                value = Double(Int.random(in: 1...10_000_000_000, using: &generator)) / 1_000_000
            case 1:
                // Near a half step: where HALF-UP turns.
                value = nudged((Double(Int.random(in: 0...5_000_000, using: &generator)) + 0.5) * step)
            case 2:
                // Near a whole step: where UP and DOWN turn; also whole numbers exactly.
                value = nudged(Double(Int.random(in: 1...5_000_000, using: &generator)) * step)
            case 3:
                // Kit-like: a quantity times a unit factor or divided by a batch size.
                let quantity = Double(Int.random(in: 1...100_000, using: &generator)) / 1_000
                let factor = [1.0 / 12, 12, 0.08333333333333333, 1000, 0.001, 1.0 / 3, 2.54, 0.4536][Int.random(in: 0...7, using: &generator)]
                value = Bool.random(using: &generator) ? quantity * factor : quantity / factor
            default:
                // Any finite double: tiny, huge, subnormal.
                let candidate = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
                value = candidate.isFinite ? candidate : 1.5
            }
            inputs.append(Input(value: value, rounding: step))
            inputs.append(Input(value: -value, rounding: step))
        }
        return inputs
    }

    @Test(arguments: [OdooFloat.Implementation.odoo16, .odoo18])
    func fastPathIsBitIdenticalToTheExactPort(implementation: OdooFloat.Implementation) {
        let inputs = Self.inputs(count: 250_000, seed: implementation == .odoo16 ? 16 : 18)
        var mismatches: [String] = []
        var fast = 0
        for input in inputs {
            for method in [OdooFloat.RoundingMethod.halfUp, .up, .down] {
                let actual = OdooFloat.round(input.value, rounding: input.rounding, method: method, implementation: implementation)
                let expected = OdooFloat.roundExact(input.value, rounding: input.rounding, method: method, implementation: implementation)
                if actual.bitPattern != expected.bitPattern && !(actual.isNaN && expected.isNaN), mismatches.count < 10 {
                    mismatches.append("\(method) \(input.value.bitPattern) / \(input.rounding): \(actual) != \(expected)")
                }
                let normalized = Swift.abs(input.value / input.rounding)
                if OdooFloat.roundedMagnitudeUnlessNearAStep(normalized, method: method) != nil { fast += 1 }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
        // The test must exercise both paths: most inputs take the fast one, the nudged ones often do not.
        let total = inputs.count * 3
        #expect(fast > total / 2, "fast path taken \(fast) of \(total) times")
        #expect(fast < total, "the exact path was never taken")
    }

    @Test func wholeNumbersAndClearCasesTakeTheFastPath() {
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(5, method: .up) == 5)
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(5, method: .down) == 5)
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(5, method: .halfUp) == 5)
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(2.4, method: .halfUp) == 2)
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(2.6, method: .halfUp) == 3)
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(2.4, method: .up) == 3)
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(2.6, method: .down) == 2)
        // At a tie, or a hair from an integer, or beyond 2^40, the exact port decides.
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(2.5, method: .halfUp) == nil)
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(Double(3).nextUp, method: .up) == nil)
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(Double(3).nextDown, method: .down) == nil)
        #expect(OdooFloat.roundedMagnitudeUnlessNearAStep(0x1p41, method: .halfUp) == nil)
    }
}
