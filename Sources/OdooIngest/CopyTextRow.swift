/// Splits one line of PostgreSQL's `COPY ... TO STDOUT` text format into cells.
///
/// Columns are separated by tabs, `\N` is `NULL`, and backslash escapes (`\t`, `\n`, `\\`, `\r`, `\b`, `\f`, `\v`,
/// octal `\NNN` and hex `\xHH`) stand for the characters they name.
public enum CopyTextRow {
    /// Parses one row (with or without its trailing newline).
    ///
    /// - Parameter bytes: The row's bytes, as `PQgetCopyData` returns them.
    /// - Returns: The cells in column order.
    public static func cells(_ bytes: UnsafeRawBufferPointer) -> [SourceCell] {
        // One buffer holds the row's unescaped bytes; each cell is a slice of it (no String per cell). The cells'
        // bounds are collected first, since slicing while the buffer still grows would copy it.
        var buffer: [UInt8] = []
        buffer.reserveCapacity(bytes.count)
        var bounds: [Int] = []  // per cell: its end in `buffer`, or -1 for NULL
        var fieldStart = 0
        var isNullMarker = false
        var index = 0
        var end = bytes.count
        if end > 0 && bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        func finish() {
            bounds.append(isNullMarker && buffer.count == fieldStart ? -1 : buffer.count)
            fieldStart = buffer.count
            isNullMarker = false
        }
        while index < end {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\t") {
                finish()
                continue
            }
            guard byte == UInt8(ascii: "\\"), index < end else {
                buffer.append(byte)
                continue
            }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "N") where buffer.count == fieldStart && (index == end || bytes[index] == UInt8(ascii: "\t")):
                isNullMarker = true
            case UInt8(ascii: "t"): buffer.append(9)
            case UInt8(ascii: "n"): buffer.append(10)
            case UInt8(ascii: "r"): buffer.append(13)
            case UInt8(ascii: "b"): buffer.append(8)
            case UInt8(ascii: "f"): buffer.append(12)
            case UInt8(ascii: "v"): buffer.append(11)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escaped - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < end, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[index]) {
                    value = value * 8 + Int(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                buffer.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x"):
                var value = 0
                var digits = 0
                while digits < 2, index < end, let digit = hexValue(bytes[index]) {
                    value = value * 16 + digit
                    index += 1
                    digits += 1
                }
                if digits == 0 { buffer.append(UInt8(ascii: "x")) } else { buffer.append(UInt8(value)) }
            default:
                buffer.append(escaped)
            }
        }
        finish()
        var cells: [SourceCell] = []
        cells.reserveCapacity(bounds.count)
        var start = 0
        for bound in bounds {
            if bound < 0 {
                cells.append(.null)
            } else {
                cells.append(.text(SourceText(buffer[start..<bound])))
                start = bound
            }
        }
        return cells
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
