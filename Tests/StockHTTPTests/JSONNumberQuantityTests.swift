import StockProjection
import Testing

@testable import StockHTTP

/// JSON numbers in request bodies (cart quantities) become exact quantities, exponent notation included.
@Suite struct JSONNumberQuantityTests {
    @Test(arguments: [
        ("3", "3"), ("1.5", "1.5"), ("3e-06", "0.000003"), ("2E3", "2000"), ("1.25e+2", "125"), ("-4.5e1", "-45"),
        ("0.000001", "0.000001"), ("12.500000", "12.5"),
    ])
    func exactValues(text: String, expected: String) throws {
        #expect(Quantity(jsonNumber: text) == (try Quantity(parsing: expected)))
    }

    @Test(arguments: ["5e-324", "1e-7", "0.0000001", "1e400", "abc", "1.2.3", ""])
    func refusedValues(text: String) {
        #expect(Quantity(jsonNumber: text) == nil)
    }
}
