/// Zero-padded decimal fields of ISO 8601 text.
enum ISO8601Digits {
    /// Appends `value` in decimal, zero-padded to `width` digits, with a `-` before a negative value.
    ///
    /// - Parameters:
    ///   - value: The number.
    ///   - width: The least number of digits.
    ///   - text: Where to append.
    static func append(_ value: Int64, width: Int, to text: inout String) {
        if value < 0 { text += "-" }
        let digits = String(value.magnitude)
        if digits.utf8.count < width { text += String(repeating: "0", count: width - digits.utf8.count) }
        text += digits
    }
}
