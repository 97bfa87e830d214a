import StockWebhooks
import Testing

/// Signatures as the Standard Webhooks reference library (PyPI `standardwebhooks` 1.1.0) computes them.
@Suite struct WebhookSignatureTests {
    // Produced with: Webhook(secret).sign("evt_1", datetime.fromtimestamp(1700000000, timezone.utc), body)
    @Test func matchesTheReferenceLibrary() throws {
        let signature = try WebhookSignature(secret: "whsec_c3RvY2tkLXRlc3Qtc2VjcmV0LTAxMjM0NTY3ODk=")
        let body = Array(#"{"id":"evt_1","type":"out_of_stock"}"#.utf8)
        #expect(signature.sign(id: "evt_1", timestamp: 1_700_000_000, body: body) == "v1,CRcD39C3JCVu0SDt1LfV/5mI4qbbkLLRly+0U37BoWg=")
        #expect(signature.sign(id: "evt_2", timestamp: 1_700_000_000, body: body) != "v1,CRcD39C3JCVu0SDt1LfV/5mI4qbbkLLRly+0U37BoWg=")
    }

    @Test func refusesASecretThatIsNotBase64() {
        #expect(throws: WebhookSignature.InvalidSecret.self) { try WebhookSignature(secret: "whsec_%%%") }
        #expect(throws: WebhookSignature.InvalidSecret.self) { try WebhookSignature(secret: "whsec_") }
    }
}
