import StockHTTP
import StockdApp
import Testing

/// `--token` / `STOCKD_HTTP_TOKENS` entries: `TOKEN`, `TOKEN:scopes`, and `TOKEN:scopes:name` (the name the admin
/// audit log records).
@Suite struct TokenEntryTests {
    @Test func entriesGiveScopesAndNames() throws {
        let entries = ["plain", "reader:read", "ops:read,admin:ops-alice", "bot:admin:"]
        let tokens = try HTTPServer.tokens(entries)
        #expect(tokens == ["plain": [.read], "reader": [.read], "ops": [.read, .admin], "bot": [.admin]])
        #expect(HTTPServer.tokenNames(entries) == ["ops": "ops-alice"])
    }

    @Test func anUnknownScopeIsRefusedEvenWithAName() {
        #expect(throws: HTTPServer.Refusal.self) { try HTTPServer.tokens(["ops:root:alice"]) }
    }
}
