import Crypto
import Foundation

/// Standard Webhooks signatures: `v1,` followed by the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`, keyed by
/// the secret's bytes (the base64 text after `whsec_`).
public struct WebhookSignature: Sendable {
    /// The secret's bytes (kept as bytes: `SymmetricKey` is not `Sendable`).
    private let keyBytes: [UInt8]

    /// A secret that is not `whsec_<base64>`.
    public struct InvalidSecret: Error, CustomStringConvertible {
        public var description: String { "a webhook secret must be whsec_ followed by base64" }
    }

    /// Reads a secret.
    ///
    /// - Throws: ``InvalidSecret``.
    public init(secret: String) throws {
        let text = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: text), !bytes.isEmpty else { throw InvalidSecret() }
        keyBytes = Array(bytes)
    }

    /// The `webhook-signature` header value for a message.
    ///
    /// - Parameters:
    ///   - id: The `webhook-id` (the event id).
    ///   - timestamp: The `webhook-timestamp`, in seconds since 1970.
    ///   - body: The exact request body.
    public func sign(id: String, timestamp: Int64, body: [UInt8]) -> String {
        var message = Array("\(id).\(timestamp).".utf8)
        message.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: keyBytes))
        return "v1," + Data(code).base64EncodedString()
    }
}
