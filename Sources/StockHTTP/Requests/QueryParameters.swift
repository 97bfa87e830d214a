/// The query string of a request, decoded: names to their values in order of appearance.
///
/// Decodes `application/x-www-form-urlencoded` style: `+` is a space and `%XX` a byte; the decoded bytes
/// must be UTF-8. A parameter may repeat (`sku=A&sku=B`). Names the endpoint does not know are refused
/// with a 400 naming them, so a typo (`skus=`) is not silently ignored.
struct QueryParameters {
    /// Every parameter in order of appearance, names and values decoded.
    ///
    /// A flat list, not a dictionary: a request carries a handful of parameters, and a list reserved once is a
    /// single allocation where a dictionary of arrays is several (see `HTTPBenchmarks`).
    private(set) var pairs: [(name: String, value: String)] = []

    /// Parses a raw query string.
    ///
    /// - Parameters:
    ///   - query: The text after `?`, undecoded, or `nil`.
    ///   - allowed: The parameter names the endpoint accepts.
    /// - Throws: ``APIProblem`` 400 for bad percent-encoding, invalid UTF-8 or an unknown name.
    init(_ query: String?, allowed: Set<String>) throws(APIProblem) {
        guard let query, !query.isEmpty else { return }
        let bytes = query.utf8
        var separators = 0
        for byte in bytes where byte == UInt8(ascii: "&") { separators += 1 }
        pairs.reserveCapacity(separators + 1)
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.endIndex
            defer { start = end < bytes.endIndex ? bytes.index(after: end) : end }
            let pair = bytes[start..<end]
            if pair.isEmpty { continue }
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = equals.map { pair[pair.startIndex..<$0] } ?? pair[...]
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            guard let name = Self.decode(rawName) else {
                throw APIProblem(kind: .malformedParameter, detail: "a parameter name is not valid percent-encoded UTF-8")
            }
            guard allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw APIProblem(kind: .unknownParameter, detail: "unknown parameter '\(name)'; this endpoint takes \(known)", parameter: name)
            }
            guard let value = Self.decode(rawValue) else {
                throw APIProblem.malformed(name, "the value is not valid percent-encoded UTF-8")
            }
            pairs.append((name, value))
        }
    }

    /// Whether the parameter is given at all.
    func contains(_ name: String) -> Bool { pairs.contains { $0.name == name } }

    /// Every value of a parameter, in order.
    func all(_ name: String) -> [String] {
        var values: [String] = []
        for pair in pairs where pair.name == name { values.append(pair.value) }
        return values
    }

    /// Calls `body` with every value of a parameter, in order, without gathering them.
    func forEachValue(of name: String, _ body: (String) throws(APIProblem) -> Void) throws(APIProblem) {
        for pair in pairs where pair.name == name { try body(pair.value) }
    }

    /// The single value of a parameter, or `nil` when absent.
    ///
    /// - Throws: 400 when the parameter is given more than once.
    func single(_ name: String) throws(APIProblem) -> String? {
        var found: String?
        for pair in pairs where pair.name == name {
            guard found == nil else { throw APIProblem.malformed(name, "give it at most once") }
            found = pair.value
        }
        return found
    }

    /// Decodes form-encoded text: `+` to space, `%XX` to a byte; `nil` for bad escapes or invalid UTF-8.
    static func decode(_ raw: Substring.UTF8View) -> String? {
        guard raw.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(Substring(raw))
        }
        return decodeBytes(raw, plusIsSpace: true)
    }

    /// Decodes percent-encoded bytes (for a path segment `+` stays a plus); `nil` for bad escapes or invalid UTF-8.
    static func decodeBytes(_ raw: some Collection<UInt8>, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var iterator = raw.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
