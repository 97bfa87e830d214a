public import StockProjection

extension Quantity {
    /// A JSON number's text as an exact quantity, exponent notation included (`1.5`, `3e-06`, `2E3`).
    ///
    /// - Returns: `nil` when the value has non-zero digits past the sixth decimal place or does not fit.
    init?(jsonNumber text: String) {
        var mantissa = Substring(text)
        var exponent = 0
        if let marker = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(mantissa[mantissa.index(after: marker)...].drop { $0 == "+" }), abs(value) <= 40 else { return nil }
            exponent = value
            mantissa = mantissa[..<marker]
        }
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        guard !parts[0].isEmpty else { return nil }
        let integerDigits = String(parts[0])
        let fractionDigits = parts.count == 2 ? String(parts[1]) : ""
        // Shift the decimal point by the exponent over the digit string.
        let digits = integerDigits + fractionDigits
        let point = integerDigits.count + exponent
        let plain: String
        if point <= 0 {
            plain = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            plain = digits + String(repeating: "0", count: point - digits.count)
        } else {
            let index = digits.index(digits.startIndex, offsetBy: point)
            plain = digits[..<index] + "." + digits[index...]
        }
        guard let value = try? Quantity(parsing: (negative ? "-" : "") + plain) else { return nil }
        self = value
    }
}
