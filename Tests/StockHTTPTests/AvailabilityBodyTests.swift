import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockProjection
import Testing

@testable import StockHTTP

/// The direct reading of `POST /v1/availability/query`'s usual body (``AvailabilityQuery/readSimpleBody(_:limits:)``)
/// against the general one (``JSONParser`` and ``AvailabilityQuery/init(json:limits:)``).
@Suite struct AvailabilityBodyTests {
    static let limits = StockHTTPConfiguration.Limits()

    /// The general reading, `nil` where it refuses the body.
    static func general(_ body: String) -> AvailabilityQuery? {
        guard let json = try? JSONParser.parse(Array(body.utf8)) else { return nil }
        return try? AvailabilityQuery(json: json, limits: limits)
    }

    static func direct(_ body: String) throws -> AvailabilityQuery? {
        try AvailabilityQuery.readSimpleBody(ByteBuffer(string: body), limits: limits)
    }

    /// A small deterministic generator (a linear congruential one), so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
    }

    /// A body of the usual shape: some of the six members in any order, strings or arrays, any JSON whitespace.
    static func usualBody(_ random: inout Generator) -> String {
        let spaces = ["", " ", "\n", "\t", "\r\n  "]
        func space() -> String { spaces[random.next(spaces.count)] }
        func text() -> String {
            let alphabet = Array("ABCXYZ019-_ ./,:{}[]'")
            return String((0..<(1 + random.next(24))).map { _ in alphabet[random.next(alphabet.count)] })
        }
        func list() -> String {
            if random.next(3) == 0 { return "\"\(text())\"" }
            let elements = (0..<random.next(5)).map { _ in "\(space())\"\(text())\"\(space())" }
            return "[\(elements.joined(separator: ","))\(space())]"
        }
        var members = [
            "\"sku\"\(space()):\(space())\(list())", "\"barcode\":\(list())", "\"warehouse\":\(space())\(list())", "\"location\":\(list())",
            "\"group_by\":\(space())\"\(["total", "warehouse", "location"][random.next(3)])\"",
            "\"only_available\":\(space())\(random.next(2) == 0 ? "true" : "false")",
        ]
        for index in members.indices.reversed() where index > 0 { members.swapAt(index, random.next(index + 1)) }
        let chosen = members.prefix(random.next(members.count + 1)).map { "\(space())\($0)\(space())" }
        return "\(space()){\(chosen.joined(separator: ","))\(space())}\(space())"
    }

    @Test func theUsualShapeReadsAsTheGeneralParserReadsIt() throws {
        var random = Generator(state: 12)
        for _ in 0..<2_000 {
            let body = Self.usualBody(&random)
            let direct = try Self.direct(body)
            #expect(direct != nil, "the direct reading refused \(body)")
            #expect(direct == Self.general(body), "\(body)")
        }
    }

    /// Whatever the direct reading accepts, the general one accepts and reads the same; whatever the general one
    /// refuses, the direct one leaves to it. Bodies are usual ones with bytes deleted, inserted or replaced.
    @Test func aBrokenBodyIsNeverReadDifferently() throws {
        var random = Generator(state: 34)
        let noise = Array(#"{}[]",: \tx0-1e.\u00é"#.utf8)
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = Array(Self.usualBody(&random).utf8)
            for _ in 0...random.next(3) {
                let at = random.next(bytes.count + 1)
                switch random.next(3) {
                case 0 where at < bytes.count: bytes.remove(at: at)
                case 1: bytes.insert(noise[random.next(noise.count)], at: at)
                default: if at < bytes.count { bytes[at] = noise[random.next(noise.count)] }
                }
            }
            let body = String(decoding: bytes, as: UTF8.self)
            guard let direct = try AvailabilityQuery.readSimpleBody(ByteBuffer(bytes: bytes), limits: Self.limits) else { continue }
            accepted += 1
            #expect(direct == Self.general(body), "\(body)")
        }
        #expect(accepted > 500)
    }

    @Test(arguments: [
        #"{"sku": "A\u0042"}"#, #"{"sku": "é"}"#, #"{"sku": ""}"#, #"{"sku": ["A", ""]}"#, #"{"sku": 7}"#, #"{"warehouse": 2}"#,
        #"{"sku": "A", "sku": "B"}"#, #"{"variant_id": [1]}"#, #"{"fields": "incoming"}"#, #"{"group_by": "site"}"#,
        #"{"only_available": truex}"#, #"{"sku": ["A",]}"#, #"{"sku": "A"} x"#, "{\"sku\": \"A\u{7F}\"}", #"["sku"]"#, #"{"sku" "A"}"#,
    ])
    func otherBodiesAreLeftToTheGeneralParser(body: String) throws {
        #expect(try Self.direct(body) == nil)
    }

    @Test func theLimitIsCheckedAsTheGeneralReadingChecksIt() throws {
        let limits = StockHTTPConfiguration.Limits(maxIdentifiers: 3)
        let body = ByteBuffer(string: #"{"sku": ["A", "B"], "barcode": ["C", "D"]}"#)
        #expect(throws: APIProblem.self) { try AvailabilityQuery.readSimpleBody(body, limits: limits) }
        #expect(try AvailabilityQuery.readSimpleBody(ByteBuffer(string: #"{"sku": ["A", "B"], "barcode": "C"}"#), limits: limits) != nil)
    }

    /// The answer's bytes do not depend on which reading took the body.
    @Test func bothReadingsAnswerTheSameBytes() async throws {
        try await withAPI(projection: try HTTPFixtures.projection()) { client in
            let usual = #"{"sku": ["CHAIR-RED", "DESK", "NOPE", "CHAIR-RED"], "barcode": "5901234123457", "group_by": "location"}"#
            let escaped = #"{"sku": ["CHAIR\u002dRED", "DESK", "NOPE", "CHAIR-RED"], "barcode": "5901234123457", "group_by": "location"}"#
            #expect(try Self.direct(usual) != nil)
            #expect(try Self.direct(escaped) == nil)
            let first = try await AvailabilityQueryTests.post(client, usual)
            let second = try await AvailabilityQueryTests.post(client, escaped)
            #expect(first.status == .ok)
            #expect(first.body == second.body)
            #expect(try first.json()["missing"]?.array.map(\.string) == ["NOPE"])
        }
    }
}

/// The table that drops repeated variants from an answer.
@Suite struct VariantIDSetTests {
    @Test func insertsEachIDOnceAndGrowsPastItsCapacity() {
        var set = VariantIDSet(capacity: 4)
        #expect(!set.isDisabled)
        let ids: [Int32] = (1...500).map { Int32($0 * 7_919 % 1_009 + 1) }
        let distinct = Set(ids).count
        var inserted: [Int32] = []
        for raw in ids where set.insert(VariantID(raw)) { inserted.append(raw) }
        #expect(inserted.count == Set(inserted).count)
        #expect(inserted.count == distinct)
        var insertedAgain = 0
        for raw in inserted where set.insert(VariantID(raw)) { insertedAgain += 1 }
        #expect(insertedAgain == 0)
        #expect(VariantIDSet(capacity: 0).isDisabled)
    }
}
