/// The configured bearer tokens, looked up in constant time with respect to the token's content.
struct TokenTable: Sendable {
    private let entries: [(token: [UInt8], scopes: Set<AccessScope>, name: String?)]

    /// Creates the table from the configuration's tokens.
    ///
    /// - Parameters:
    ///   - tokens: Tokens and their scopes.
    ///   - names: Tokens' names (recorded as who made an admin change); a token without one has none.
    init(_ tokens: [String: Set<AccessScope>], names: [String: String] = [:]) {
        entries = tokens.map { (Array($0.key.utf8), $0.value, names[$0.key]) }
    }

    /// The name of a token (``StockHTTPConfiguration/tokenNames``), `"unnamed"` for a configured token without
    /// one, `nil` for an unknown token; compared like ``scopes(for:)``.
    func name(for candidate: Substring) -> String? {
        let bytes = Array(candidate.utf8)
        var found: String?
        for entry in entries where Self.constantTimeEquals(entry.token, bytes) {
            found = entry.name ?? "unnamed"
        }
        return found
    }

    /// Whether no token is configured.
    var isEmpty: Bool { entries.isEmpty }

    /// The scopes of a token, or `nil` when it is not configured.
    ///
    /// Every configured token is compared in full, so the time taken does not reveal how much of a guess
    /// was right.
    func scopes(for candidate: Substring) -> Set<AccessScope>? {
        let bytes = Array(candidate.utf8)
        var found: Set<AccessScope>?
        for entry in entries where Self.constantTimeEquals(entry.token, bytes) {
            found = entry.scopes
        }
        return found
    }

    private static func constantTimeEquals(_ expected: [UInt8], _ candidate: [UInt8]) -> Bool {
        guard !expected.isEmpty else { return false }
        var difference = UInt8(expected.count == candidate.count ? 0 : 1)
        for index in 0..<expected.count {
            let other = index < candidate.count ? candidate[index] : ~expected[index]
            difference |= expected[index] ^ other
        }
        return difference == 0
    }
}
