import PostgresReplicationWire
import Testing

@Suite struct LSNTests {
    @Test(arguments: [
        ("0/0", UInt64(0)),
        ("0/16B3748", 0x16B_3748),
        ("16/B374D848", 0x16_B374_D848),
        ("1/0", 0x1_0000_0000),
        ("FFFFFFFF/FFFFFFFF", .max),
    ])
    func textRoundTrip(_ text: String, _ value: UInt64) throws {
        #expect(LSN(rawValue: value).description == text)
        #expect(LSN(text) == LSN(rawValue: value))
        let parsed = try #require(LSN(text))
        #expect(LSN(parsed.description) == parsed)
    }

    @Test func parsesLowerCaseAndLeadingZeros() {
        #expect(LSN("0/16b3748") == LSN(0x16B_3748))
        #expect(LSN("00000000/00000001") == LSN(1))
        #expect(LSN("aBc/DeF") == LSN(0xABC_0000_0DEF))
    }

    @Test(arguments: [
        "", "/", "0", "0/", "/0", "0/123456789", "123456789/0", "G/0", " 0/0", "0/0 ", "0//0", "-1/0", "+1/0", "0x1/0",
        "0/1/2", "０/0",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(LSN(text) == nil)
    }

    @Test func randomValuesRoundTrip() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<1_000 {
            let lsn = LSN(random.next())
            #expect(LSN(lsn.description) == lsn)
        }
    }

    @Test func orderAndValidity() {
        #expect(LSN("0/FFFFFFFF")! < LSN("1/0")!)
        #expect(LSN.invalid == LSN(rawValue: 0))
        #expect(!LSN.invalid.isValid)
        #expect(LSN(1).isValid)
        #expect([LSN(3), LSN(1), LSN(2)].sorted() == [LSN(1), LSN(2), LSN(3)])
        #expect(LSN(5).hashValue == LSN(rawValue: 5).hashValue)
    }

    @Test func losslessStringConvertible() {
        func roundTrip<T: LosslessStringConvertible & Equatable>(_ value: T) -> Bool { T(value.description) == value }
        #expect(roundTrip(LSN(0xDEAD_BEEF_0000_0001)))
    }
}
