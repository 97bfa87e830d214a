import NIOCore

extension AvailabilityQuery {
    /// Reads the usual shape of `POST /v1/availability/query`'s body straight from its bytes, without building a
    /// ``JSONValue`` tree: an object whose members are `sku`, `barcode`, `warehouse`, `location` (a string or an
    /// array of strings), `group_by` (a string) and `only_available` (a boolean), each at most once, with
    /// strings of printable ASCII without escapes.
    ///
    /// Anything else (another member, a number, an escape, a byte outside printable ASCII, an empty string, a
    /// syntax error) returns `nil`, and the caller parses the body the general way (``JSONParser`` and
    /// ``init(json:limits:)``), which accepts the same documents and gives the same answer: this path only
    /// takes documents that one accepts, so every error, and its text, still comes from there.
    ///
    /// - Parameters:
    ///   - body: The whole body.
    ///   - limits: The identifier limit.
    /// - Returns: The question, or `nil` when the body is not of the usual shape.
    /// - Throws: 422 over the identifier limit (as ``init(json:limits:)`` does once the body is read).
    static func readSimpleBody(_ body: ByteBuffer, limits: StockHTTPConfiguration.Limits) throws(APIProblem) -> AvailabilityQuery? {
        let question = body.withUnsafeReadableBytes { bytes -> AvailabilityQuery? in
            var scanner = SimpleBodyScanner(bytes: bytes)
            return scanner.question()
        }
        guard let question else { return nil }
        try question.checkLimits(limits)
        return question
    }
}

/// The scanner of ``AvailabilityQuery/readSimpleBody(_:limits:)``: every method returns `nil` (or `false`) as soon
/// as the body leaves the usual shape.
private struct SimpleBodyScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    /// The members the scanner takes, as bits of the set of members seen (a repeated member is left to the parser).
    private enum Member: UInt8 {
        case sku = 1
        case barcode = 2
        case warehouse = 4
        case location = 8
        case groupBy = 16
        case onlyAvailable = 32
    }

    mutating func question() -> AvailabilityQuery? {
        var question = AvailabilityQuery()
        var seen: UInt8 = 0
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return nil }
        skipWhitespace()
        if !take(UInt8(ascii: "}")) {
            while true {
                skipWhitespace()
                guard let member = memberName(), seen & member.rawValue == 0 else { return nil }
                seen |= member.rawValue
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                switch member {
                case .sku: guard strings(into: &question.skus) else { return nil }
                case .barcode: guard strings(into: &question.barcodes) else { return nil }
                case .warehouse: guard strings(into: &question.scope.warehouses) else { return nil }
                case .location: guard strings(into: &question.scope.locations) else { return nil }
                case .groupBy:
                    guard let range = stringRange() else { return nil }
                    if matches(range, "total") {
                        question.grouping = .total
                    } else if matches(range, "warehouse") {
                        question.grouping = .warehouse
                    } else if matches(range, "location") {
                        question.grouping = .location
                    } else {
                        return nil
                    }
                case .onlyAvailable:
                    if take(literal: "true") {
                        question.onlyAvailable = true
                    } else if take(literal: "false") {
                        question.onlyAvailable = false
                    } else {
                        return nil
                    }
                }
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        skipWhitespace()
        return index == bytes.count ? question : nil
    }

    /// A member name the scanner takes, in double quotes.
    private mutating func memberName() -> Member? {
        guard let range = stringRange() else { return nil }
        if matches(range, "sku") { return .sku }
        if matches(range, "barcode") { return .barcode }
        if matches(range, "warehouse") { return .warehouse }
        if matches(range, "location") { return .location }
        if matches(range, "group_by") { return .groupBy }
        if matches(range, "only_available") { return .onlyAvailable }
        return nil
    }

    /// A string or an array of strings, appended to `list`.
    private mutating func strings(into list: inout [String]) -> Bool {
        guard take(UInt8(ascii: "[")) else {
            guard let range = stringRange() else { return false }
            list.append(string(range))
            return true
        }
        skipWhitespace()
        if take(UInt8(ascii: "]")) { return true }
        // An upper bound of the elements: every element takes at least three bytes and a separator.
        list.reserveCapacity(list.count + (bytes.count - index) / 4 + 1)
        while true {
            skipWhitespace()
            guard let range = stringRange() else { return false }
            list.append(string(range))
            skipWhitespace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]"))
        }
    }

    /// The bytes inside a non-empty string of printable ASCII without escapes.
    private mutating func stringRange() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard index > start else { return nil }
                index += 1
                return start..<index - 1
            }
            // Escapes, control characters and bytes outside ASCII (UTF-8 to validate) are left to the parser.
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private func matches(_ range: Range<Int>, _ text: StaticString) -> Bool {
        let expected = UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return range.count == expected.count && UnsafeRawBufferPointer(rebasing: bytes[range]).elementsEqual(expected)
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func take(literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count, matches(index..<index + count, literal) else { return false }
        index += count
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }
}
