import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import StockProjection
import Synchronization
import Testing

@testable import StockHTTP

/// A feed status the test can change while the app runs.
final class TestFeedStatus: FeedStatusProvider {
    private let state: Mutex<FeedHTTPStatus>

    init(_ status: FeedHTTPStatus = FeedHTTPStatus(phase: "streaming", isLoaded: true, lagMilliseconds: 4)) {
        state = Mutex(status)
    }

    var httpStatus: FeedHTTPStatus { state.withLock { $0 } }

    func update(_ change: (inout FeedHTTPStatus) -> Void) { state.withLock { change(&$0) } }
}

/// Runs `body` against the API's router in process (`app.test(.router)`).
func withAPI<T: Sendable>(
    projection: StockProjection,
    status: some FeedStatusProvider = TestFeedStatus(),
    configuration: StockHTTPConfiguration = StockHTTPConfiguration(),
    logger: Logger = quietLogger,
    _ body: @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    let router = buildRouter(projection: projection, status: status, configuration: configuration)
    let app = Application(router: router, logger: logger)
    return try await app.test(.router, body)
}

/// A logger that drops everything below `error`.
let quietLogger: Logger = {
    var logger = Logger(label: "stockd.http.test")
    logger.logLevel = .error
    return logger
}()

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body parsed by the module's own parser, which keeps numbers as their exact text.
    func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        try JSONParser.parse(Array(body.readableBytesView))
    }

    /// Checks that the response is an RFC 9457 problem document with this status, and returns it.
    @discardableResult
    func problem(_ status: HTTPResponse.Status, slug: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        #expect(self.status == status, "\(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let json = try self.json()
        #expect(json["status"]?.number == String(status.code), sourceLocation: sourceLocation)
        #expect(json["title"]?.string != nil, sourceLocation: sourceLocation)
        #expect(json["detail"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
        if let slug { #expect(json["type"]?.string == "urn:stockd:problem:\(slug)", sourceLocation: sourceLocation) }
        return json
    }
}

extension JSONValue {
    /// An object member.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// An array element.
    subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The array's elements, or `[]`.
    var array: [JSONValue] {
        guard case .array(let elements) = self else { return [] }
        return elements
    }

    /// The object's member names in order, or `[]`.
    var keys: [String] {
        guard case .object(let members) = self else { return [] }
        return members.map(\.key)
    }

    /// The string value.
    var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The number's exact text.
    var number: String? {
        guard case .number(let text) = self else { return nil }
        return text
    }

    /// The boolean value.
    var bool: Bool? {
        guard case .bool(let flag) = self else { return nil }
        return flag
    }

    /// Whether the value is `null`.
    var isNull: Bool { self == .null }

    /// The number as a quantity (exact).
    var quantity: Quantity? { number.flatMap { try? Quantity(parsing: $0) } }

    /// The number as an integer.
    var int: Int? { number.flatMap { Int($0) } }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
func encoded(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            result.unicodeScalars.append(UnicodeScalar(byte))
        default:
            result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
    }
    return result
}
