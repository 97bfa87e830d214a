import Logging

/// Parsing and validation of setting values read as text.
enum ConfigurationValidation {
    /// The descriptions of what each kind of setting allows, used in ``ConfigurationError``.
    enum Expected {
        static let port = "a port (0...65535)"
        static let odooVersion = "auto, 16, 17 or 18"
        static let mapSize = "a positive whole number of MiB"
        static let seconds = "a whole number of seconds (0 or more)"
        static let count = "a whole number (0 or more)"
        static let milliseconds = "a whole number of milliseconds from 1 to 3600000"
        static let stallTimeout = "a whole number of milliseconds from 2000 to 3600000"
        static let bodyBytes = "a whole number of bytes from 1 to \(ConfigurationValidation.maxBodyBytes)"
        static let identifiers = "a whole number from 1 to \(ConfigurationValidation.maxIdentifiers)"
        static let pageSize = "a whole number from 1 to \(ConfigurationValidation.maxPageSize)"
        static let connections = "a whole number from 1 to \(ConfigurationValidation.maxConnections)"
        static let timeout = "a whole number of seconds from 1 to \(ConfigurationValidation.maxTimeoutSeconds)"
        static func defaultPageSize(max: Int) -> String {
            "a whole number from 1 to http.max_page_size (\(max))"
        }
        static let durability = "one of " + StockdConfiguration.Durability.allCases.map(\.rawValue).joined(separator: ", ")
        static let logLevel = "one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
        static let bool = "a boolean (true or false)"
        static let locationID = "an Odoo location id (a positive whole number)"
        static let quantity = "a non-negative decimal such as 0, 2 or 2.5"
        static let mapEntry = "a CODE=qty entry with a non-negative decimal qty such as WH=2 or WH=2.5"
        static let nonEmpty = "a non-empty text"
        static let slot = "a replication slot name (1 to 63 lower-case letters, digits or underscores)"
        static let publication = "a publication name (1 to 63 bytes)"
        static let instanceName = "an instance name (1 to 56 lower-case letters, digits or underscores: the slot is stockd_<name>)"
        static let minLSNWait = "a whole number of milliseconds from 0 to 60000"
        static let single = "a single value"
        static let list = "a list"
    }

    /// The largest `http.max_body_bytes` accepted: 1 GiB (a body is read into memory before it is parsed).
    static let maxBodyBytes = 1 << 30
    /// The largest `http.max_identifiers` accepted.
    static let maxIdentifiers = 1_000_000
    /// The largest `http.max_page_size` accepted.
    static let maxPageSize = 1_000_000
    /// The largest `http.max_connections` accepted.
    static let maxConnections = 1_000_000
    /// The largest `http.*_timeout_seconds` accepted: one day.
    static let maxTimeoutSeconds = 86_400

    /// Whether `text` is decimal text: `^-?[0-9]+(\.[0-9]+)?$`.
    /// - Parameters:
    ///   - text: The text to check.
    ///   - allowNegative: Whether a leading `-` is allowed.
    static func isDecimal(_ text: String, allowNegative: Bool = true) -> Bool {
        var digits = Substring(text)
        if allowNegative, digits.first == "-" {
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
    }

    /// Parses a whole number within `range`.
    static func int(
        _ text: String,
        key: ConfigurationKey,
        in range: ClosedRange<Int>,
        expected: String
    ) throws(ConfigurationError) -> Int {
        guard let value = Int(trim(text)), range.contains(value) else {
            throw .invalidValue(key: key.rawValue, value: text, expected: expected)
        }
        return value
    }

    /// Parses a boolean: `true`/`false`, `yes`/`no`, `on`/`off` or `1`/`0`, in any case.
    static func bool(_ text: String, key: ConfigurationKey) throws(ConfigurationError) -> Bool {
        switch trim(text).lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw .invalidValue(key: key.rawValue, value: text, expected: Expected.bool)
        }
    }

    /// Checks a non-negative decimal quantity and returns it as written (trimmed).
    static func quantity(_ text: String, key: ConfigurationKey) throws(ConfigurationError) -> String {
        let trimmed = trim(text)
        guard isDecimal(trimmed, allowNegative: false) else {
            throw .invalidValue(key: key.rawValue, value: text, expected: Expected.quantity)
        }
        return trimmed
    }

    /// Parses `CODE=qty` entries into a map. The entry is split at its last `=`, so codes may
    /// contain `=`; codes must be non-empty and unique, quantities non-negative decimals.
    static func quantityMap(_ entries: [String], key: ConfigurationKey) throws(ConfigurationError) -> [String: String] {
        var map: [String: String] = [:]
        for entry in entries {
            guard let equals = entry.lastIndex(of: "=") else {
                throw .invalidValue(key: key.rawValue, value: entry, expected: Expected.mapEntry)
            }
            let code = trim(entry[..<equals])
            let quantity = trim(entry[entry.index(after: equals)...])
            guard !code.isEmpty, isDecimal(quantity, allowNegative: false) else {
                throw .invalidValue(key: key.rawValue, value: entry, expected: Expected.mapEntry)
            }
            guard map[code] == nil else {
                throw .invalidValue(key: key.rawValue, value: entry, expected: "a unique code (\(code) appears twice)")
            }
            map[code] = quantity
        }
        return map
    }

    /// Checks a replication slot name: PostgreSQL allows lower-case letters, digits and `_`.
    static func slot(_ text: String, key: ConfigurationKey) throws(ConfigurationError) -> String {
        let valid =
            (1...63).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "_")
            }
        guard valid else {
            throw .invalidValue(key: key.rawValue, value: text, expected: Expected.slot)
        }
        return text
    }

    /// Checks an instance name: what may follow `stockd_` in a slot name (1 to 56 lower-case letters, digits or `_`).
    static func instanceName(_ text: String, key: ConfigurationKey) throws(ConfigurationError) -> String {
        guard text.utf8.count <= 56, (try? slot(text, key: key)) != nil else {
            throw .invalidValue(key: key.rawValue, value: text, expected: Expected.instanceName)
        }
        return text
    }

    /// `text` without leading and trailing spaces, tabs and newlines.
    static func trim(_ text: some StringProtocol) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else {
            return ""
        }
        return String(text[first...last])
    }
}
