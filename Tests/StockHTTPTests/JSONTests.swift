import Hummingbird
import StockProjection
import Testing

@testable import StockHTTP

/// The JSON writer (exact numbers, escaping), the body parser and timestamps.
@Suite struct JSONTests {
    static func written(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        body(&writer)
        return String(buffer: writer.buffer)
    }

    @Test(
        arguments: [
            (300_000, "0.3"), (100_000 + 200_000, "0.3"), (9_007_199_254_740_993_000, "9007199254740.993"), (Int64.max, "9223372036854.775807"),
            (Int64.min + 1, "-9223372036854.775807"), (-1, "-0.000001"), (0, "0"), (12_000_000, "12"), (2_500_000, "2.5"), (1_000_001, "1.000001"),
        ] as [(Int64, String)])
    func quantitiesAreWrittenAsTheirExactDecimalText(raw: Int64, text: String) {
        let quantity = Quantity(rawValue: raw)
        #expect(Self.written { $0.quantity(quantity) } == text)
        #expect(text == quantity.description)
    }

    @Test func quantitiesSurviveARoundTripThroughTheParser() throws {
        var writer = JSONWriter()
        writer.beginArray()
        let values = [
            Quantity(rawValue: 100_000) + Quantity(rawValue: 200_000), Quantity(rawValue: 9_007_199_254_740_993_000), Quantity(rawValue: .max),
        ]
        for value in values { writer.quantity(value) }
        writer.endArray()
        let parsed = try JSONParser.parse(Array(writer.buffer.readableBytesView))
        #expect(parsed.array.compactMap(\.quantity) == values)
    }

    @Test func stringsAreEscaped() throws {
        let text = "a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}/é😀"
        let json = Self.written { $0.string(text) }
        #expect(json == #""a\"b\\c\n\r\t\b\f\u0001\u001f/é😀""#)
        #expect(try JSONParser.parse(Array(json.utf8)) == .string(text))
    }

    @Test func objectsAndArraysAreSeparatedByCommas() {
        let json = Self.written { json in
            json.beginObject()
            json.key("a")
            json.beginArray()
            json.integer(1)
            json.null()
            json.bool(true)
            json.beginObject()
            json.endObject()
            json.endArray()
            json.key("b")
            json.string(nil as String?)
            json.key("c")
            json.integer(nil as Int?)
            json.endObject()
        }
        #expect(json == #"{"a":[1,null,true,{}],"b":null,"c":null}"#)
    }

    @Test func theParserKeepsNumberTextAndDecodesEscapes() throws {
        let value = try JSONParser.parse(
            Array(#" { "n": [0, -12, 1.50, 2e10, -0.0E-3], "s": "\u00e9\ud83d\ude00\/", "t": true, "f": false, "z": null } "#.utf8))
        #expect(value["n"]?.array.map(\.number) == ["0", "-12", "1.50", "2e10", "-0.0E-3"])
        #expect(value["s"]?.string == "é😀/")
        #expect(value["t"]?.bool == true)
        #expect(value["f"]?.bool == false)
        #expect(value["z"]?.isNull == true)
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "{a:1}", "'a'", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
        "\"\\udc00\"", "01", "1.", ".5", "-", "1e", "tru", "nul", "[] []", "{\"a\":1,\"a\":2}", "\u{FEFF}{}",
    ])
    func theParserRefusesMalformedJSON(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func theParserRefusesDeepNesting() throws {
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        _ = try JSONParser.parse(Array(ok.utf8))
        let deep = "[" + ok + "]"
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test(
        arguments: [
            (1_795_424_400_123_456, "2026-11-23T09:00:00.123Z"),
            (0, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (951_782_400_000_999, "2000-02-29T00:00:00.000Z"),
            (4_102_444_799_999_999, "2099-12-31T23:59:59.999Z"),
            (-2_208_988_800_000_000, "1900-01-01T00:00:00.000Z"),
        ] as [(Int64, String)])
    func timestampsAreISO8601WithMilliseconds(micros: Int64, text: String) {
        #expect(ISO8601Timestamp.string(fromMicroseconds: micros) == text)
    }

    @Test func entityTagsCompareWeaklyAndAcceptLists() throws {
        let tag = EntityTag(snapshot: try HTTPFixtures.projection().snapshot())
        #expect(tag.isMatched(byIfNoneMatch: tag.value))
        #expect(tag.isMatched(byIfNoneMatch: " W/\(tag.value) "))
        #expect(tag.isMatched(byIfNoneMatch: "\"a\",\(tag.value)"))
        #expect(tag.isMatched(byIfNoneMatch: "*"))
        #expect(!tag.isMatched(byIfNoneMatch: nil))
        #expect(!tag.isMatched(byIfNoneMatch: "\"a\""))
        #expect(!tag.isMatched(byIfNoneMatch: String(tag.value.dropFirst().dropLast())))
    }
}

extension JSONTests {
    @Test func theWriterAgreesWithQuantityDescriptionForManyValues() {
        var generator = SystemRandomNumberGenerator()
        var raws: [Int64] = [0, 1, -1, 9, 10, 99, 100, 999_999, 1_000_000, 1_000_001, 10_000_000, .max, .min, .max - 1, .min + 1]
        for exponent in 0..<19 {
            let power = Int64(pow10(exponent))
            raws += [power, power - 1, power + 1, -power, power * 3 / 2]
        }
        for _ in 0..<5_000 {
            raws.append(Int64.random(in: .min ... .max, using: &generator))
            raws.append(Int64.random(in: -10_000_000...10_000_000, using: &generator))
        }
        for raw in raws {
            let quantity = Quantity(rawValue: raw)
            #expect(Self.written { $0.quantity(quantity) } == quantity.description, "\(raw)")
        }
    }

    @Test func integersAreWrittenInFull() {
        for value: Int64 in [0, 7, 10, -10, 123_456_789, .max, .min] {
            #expect(Self.written { $0.integer(value) } == String(value))
        }
        #expect(Self.written { $0.integer(UInt64.max) } == String(UInt64.max))
    }

    private func pow10(_ exponent: Int) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
