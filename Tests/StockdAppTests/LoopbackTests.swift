import Testing

@testable import StockdApp

/// `HTTPServer.isLoopback`: without a token stockd listens only on a literal loopback address.
@Suite struct LoopbackTests {
    @Test(arguments: ["127.0.0.1", "127.0.0.2", "127.1.2.3", "127.255.255.254", "::1", "0:0:0:0:0:0:0:1", "0::1", "::0001"])
    func literalLoopbackAddressesAreLoopback(host: String) {
        #expect(HTTPServer.isLoopback(host))
    }

    @Test(arguments: [
        // Names: what they resolve to depends on the resolver (/etc/hosts, DNS), not on the text.
        "127.example.com", "127.0.0.1.nip.io", "localhost", "localhost.", "LOCALHOST",
        // Not in 127.0.0.0/8, or not a strict dotted quad (getaddrinfo reads "0127.0.0.1" as octal 87.0.0.1).
        "0.0.0.0", "128.0.0.1", "10.0.0.1", "0127.0.0.1", "127.0.0.256", "127.0.0", "127.1", "127.0.0.1 ", " 127.0.0.1",
        "0x7f.0.0.1", "127.0.0.1:8080",
        // IPv6 other than ::1 (including the unspecified address and IPv4-mapped forms), brackets, zones.
        "::", "::2", "[::1]", "::1%lo", "::ffff:127.0.0.1", "fe80::1",
        "",
    ])
    func anythingElseIsNot(host: String) {
        #expect(!HTTPServer.isLoopback(host))
    }
}
