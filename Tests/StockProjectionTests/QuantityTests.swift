import StockCatalogue
import Testing

@testable import StockProjection

@Suite struct QuantityTests {
    @Test(arguments: [
        ("0", Int64(0)), ("12", 12_000_000), ("-12.5", -12_500_000), ("0.000001", 1), ("3.000000000", 3_000_000),
        ("+7.25", 7_250_000), ("-0.1", -100_000), ("9223372036854.775807", Int64.max), (".5", 500_000), ("5.", 5_000_000),
    ])
    func parsesPostgresNumericTextExactly(text: String, raw: Int64) throws {
        #expect(try Quantity(parsing: text).rawValue == raw)
    }

    @Test(arguments: ["", "-", "1.2.3", "12a", "1e5", " 1"])
    func refusesMalformedText(text: String) {
        #expect(throws: Quantity.ParseError.malformed(text)) { try Quantity(parsing: text) }
    }

    @Test func refusesWhatItCannotHoldExactly() {
        #expect(throws: Quantity.ParseError.tooPrecise("0.0000001")) { try Quantity(parsing: "0.0000001") }
        #expect(throws: Quantity.ParseError.notFinite("NaN")) { try Quantity(parsing: "NaN") }
        #expect(throws: Quantity.ParseError.notFinite("-Infinity")) { try Quantity(parsing: "-Infinity") }
        #expect(throws: Quantity.ParseError.outOfRange("9223372036855")) { try Quantity(parsing: "9223372036855") }
    }

    @Test(arguments: [("12", 12_000_000 as Int64), ("2.5", 2_500_000), ("-0.000001", -1), ("0", 0), ("-384", -384_000_000), ("1.01", 1_010_000)])
    func printsExactDecimalText(text: String, raw: Int64) {
        #expect(Quantity(rawValue: raw).description == text)
    }

    @Test func saturatesInsteadOfTrapping() {
        let big = Quantity(rawValue: .max - 1)
        #expect((big + Quantity(units: 1)).isSaturated)
        #expect((-big - Quantity(units: 2)).rawValue == .min)
        #expect((Quantity(units: 5) - Quantity(units: 7)).clampedAtZero == .zero)
    }

    /// A million random additions and subtractions of decimal text stay exact, where binary floating point drifts.
    @Test func millionRandomAdditionsAndSubtractionsStayExact() throws {
        var random = SeededGenerator(seed: 2026)
        var sum = Quantity.zero
        var reference: Int64 = 0
        var floating = 0.0
        var values: [Quantity] = []
        values.reserveCapacity(1_000_000)
        for _ in 0..<1_000_000 {
            let raw = Int64.random(in: -99_999_999...99_999_999, using: &random)
            let value = try Quantity(parsing: Quantity(rawValue: raw).description)
            #expect(value.rawValue == raw)
            values.append(value)
            sum += value
            reference += raw
            floating += Double(raw) / 1_000_000
        }
        #expect(sum.rawValue == reference)
        for value in values.reversed() { sum -= value }
        #expect(sum == .zero)
        // The same sums in Double are not exact: this is why stockd never uses floating point for stock.
        let ten = try Quantity(parsing: "0.1")
        var tenths = Quantity.zero
        var tenthsDouble = 0.0
        for _ in 0..<1_000_000 {
            tenths += ten
            tenthsDouble += 0.1
        }
        #expect(tenths == Quantity(units: 100_000))
        #expect(tenthsDouble != 100_000)
    }
}
