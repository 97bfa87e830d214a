extension Quantity {
    /// Why a decimal text could not become a ``Quantity``.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The text is not a plain decimal number (PostgreSQL `numeric` text form).
        case malformed(String)
        /// The text is `NaN` or an infinity, which a stock quantity cannot be.
        case notFinite(String)
        /// The text has non-zero digits beyond the sixth decimal place; rounding would lose them.
        case tooPrecise(String)
        /// The value is outside ±9,223,372,036,854.775807.
        case outOfRange(String)

        public var description: String {
            switch self {
            case .malformed(let text): "'\(text)' is not a decimal number"
            case .notFinite(let text): "'\(text)' is not a finite quantity"
            case .tooPrecise(let text): "'\(text)' has more than \(Quantity.decimalPlaces) significant decimal places"
            case .outOfRange(let text): "'\(text)' is outside the representable range"
            }
        }
    }

    /// Parses PostgreSQL `numeric` text (`-12.50`, `0`, `3.000000000`) exactly.
    ///
    /// Accepts an optional sign, digits, and an optional fraction. Trailing zeros beyond the sixth decimal
    /// place are accepted; any other digit there is refused rather than rounded.
    ///
    /// - Parameter text: The decimal text, as PostgreSQL prints a `numeric` value.
    /// - Throws: ``ParseError`` saying what is wrong with the text.
    public init(parsing text: some StringProtocol) throws(ParseError) {
        try self.init(parsingUTF8: text.utf8)
    }

    /// Parses decimal text given as UTF-8 bytes (for decoders that hold raw bytes).
    ///
    /// - Parameter bytes: UTF-8 decimal text.
    /// - Throws: ``ParseError`` saying what is wrong with the text.
    ///
    /// Inlinable so that callers in other modules get it specialized to their byte collection (`ArraySlice<UInt8>`,
    /// a raw buffer): unspecialized, each byte's index went through the heap (about 2 allocations per digit).
    @inlinable
    public init(parsingUTF8 bytes: some Collection<UInt8>) throws(ParseError) {
        var raw: Int64 = 0
        var negative = false
        var seenDigit = false
        var seenPoint = false
        var fractionDigits = 0
        var index = bytes.startIndex
        func text() -> String { String(decoding: bytes, as: UTF8.self) }
        if index != bytes.endIndex, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index = bytes.index(after: index)
        }
        while index != bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                seenDigit = true
                let digit = Int64(byte &- UInt8(ascii: "0"))
                if seenPoint {
                    if fractionDigits == Self.decimalPlaces {
                        if digit != 0 { throw .tooPrecise(text()) }
                        continue
                    }
                    fractionDigits += 1
                }
                let (shifted, overflow1) = raw.multipliedReportingOverflow(by: 10)
                let (added, overflow2) = shifted.addingReportingOverflow(digit)
                if overflow1 || overflow2 { throw .outOfRange(text()) }
                raw = added
            case UInt8(ascii: "."):
                if seenPoint { throw .malformed(text()) }
                seenPoint = true
            default:
                let word = text().lowercased()
                if word.hasSuffix("nan") || word.hasSuffix("infinity") { throw .notFinite(text()) }
                throw .malformed(text())
            }
        }
        if !seenDigit { throw .malformed(text()) }
        var multiplier: Int64 = 1
        for _ in fractionDigits..<Self.decimalPlaces { multiplier *= 10 }
        let (scaled, overflow) = raw.multipliedReportingOverflow(by: multiplier)
        if overflow { throw .outOfRange(text()) }
        self.rawValue = negative ? -scaled : scaled
    }
}
