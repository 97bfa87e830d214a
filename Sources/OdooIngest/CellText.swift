/// Reads typed values straight from a cell's text bytes (PostgreSQL's text output, as pgoutput and `COPY` send it),
/// without building a `String`.
///
/// Every parser takes the cell's UTF-8 bytes and returns `nil` for text of another shape; none allocates.
public enum CellText {
    /// Parses `int4`/`int2` text: an optional sign and decimal digits, within `Int32`.
    ///
    /// - Parameter bytes: The cell's text.
    /// - Returns: The value, or `nil` for empty text, another character, or a value outside `Int32`.
    @inlinable
    public static func int32(_ bytes: some Collection<UInt8>) -> Int32? {
        var index = bytes.startIndex
        guard index != bytes.endIndex else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index = bytes.index(after: index)
            guard index != bytes.endIndex else { return nil }
        }
        // Accumulate negatively so that Int32.min parses.
        var value: Int64 = 0
        while index != bytes.endIndex {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 - Int64(byte &- UInt8(ascii: "0"))
            guard value >= Int64(Int32.min) else { return nil }
            index = bytes.index(after: index)
        }
        if negative { return Int32(value) }
        guard value != Int64(Int32.min) else { return nil }
        return Int32(-value)
    }

    /// Parses `bool` text: `t` or `f` (PostgreSQL's output), or `true`/`false`.
    ///
    /// - Parameter bytes: The cell's text.
    /// - Returns: The value, or `nil` for other text.
    @inlinable
    public static func bool(_ bytes: some Collection<UInt8>) -> Bool? {
        switch bytes.count {
        case 1:
            switch bytes[bytes.startIndex] {
            case UInt8(ascii: "t"): return true
            case UInt8(ascii: "f"): return false
            default: return nil
            }
        case 4: return bytes.elementsEqual("true".utf8) ? true : nil
        case 5: return bytes.elementsEqual("false".utf8) ? false : nil
        default: return nil
        }
    }

    /// Whether the text equals `word` (an ASCII constant such as `product` or `phantom`).
    ///
    /// - Parameters:
    ///   - bytes: The cell's text.
    ///   - word: The text to compare with.
    /// - Returns: Whether both have the same bytes.
    @inlinable
    public static func equals(_ bytes: some Collection<UInt8>, _ word: StaticString) -> Bool {
        word.withUTF8Buffer { bytes.elementsEqual($0) }
    }
}
