public import StockProjection

/// Helpers that write values as SQL literals and as `COPY ... FROM stdin` text fields.
public enum SQLText {
    /// A quantity as an exact SQL numeric literal (`12`, `-0.5`, `0.000001`), from its exact decimal text.
    public static func literal(_ quantity: Quantity) -> String { quantity.description }

    /// A text value as a single-quoted SQL string literal (quotes doubled; standard_conforming_strings on).
    public static func literal(_ text: String) -> String {
        var result = "'"
        for character in text {
            if character == "'" { result += "''" } else { result.append(character) }
        }
        result += "'"
        return result
    }

    /// An optional text value as a literal, or `NULL`.
    public static func literal(_ text: String?) -> String {
        guard let text else { return "NULL" }
        return literal(text)
    }

    /// An optional integer as a literal, or `NULL`.
    public static func literal(_ value: Int32?) -> String {
        guard let value else { return "NULL" }
        return String(value)
    }

    /// A boolean as `true` / `false`.
    public static func literal(_ value: Bool) -> String { value ? "true" : "false" }

    /// A translated name as Odoo 16+ stores it in a `jsonb` column: `{"en_US": "..."}` (JSON text, not yet quoted).
    public static func translated(_ text: String) -> String { "{\"en_US\": " + jsonString(text) + "}" }

    /// A JSON string literal with its quotes.
    public static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        result += "\""
        return result
    }

    /// A value escaped for PostgreSQL's `COPY` text format (backslash, tab, newline and carriage return escaped).
    public static func copyField(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 9 || $0 == 10 || $0 == 13 }) else { return text }
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.append(character)
            }
        }
        return result
    }

    /// An optional value for `COPY` text format: `\N` when `nil`.
    public static func copyField(_ text: String?) -> String {
        guard let text else { return "\\N" }
        return copyField(text)
    }

    /// An optional integer for `COPY` text format.
    public static func copyField(_ value: Int32?) -> String {
        guard let value else { return "\\N" }
        return String(value)
    }

    /// A boolean for `COPY` text format (`t` / `f`).
    public static func copyField(_ value: Bool) -> String { value ? "t" : "f" }
}
