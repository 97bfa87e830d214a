import PostgresReplicationWire
import Testing

/// Bad bytes throw ``WireDecodingError``; they never trap.
@Suite struct RobustnessTests {
    typealias F = PostgreSQL15Fixtures

    /// Every captured message, each with whether it came inside a streamed block.
    static let fixtures: [(name: String, bytes: [UInt8], insideStream: Bool)] = {
        var result = F.protocolVersion1Stream.map { (name: $0.name, bytes: bytes(hex: $0.hex), insideStream: false) }
        var decoder = ReplicationDecoder()
        for (name, hex) in F.protocolVersion2Stream {
            let encoded = bytes(hex: hex)
            result.append((name: name, bytes: encoded, insideStream: decoder.insideStream))
            _ = try? decoder.decode(encoded)
        }
        return result
    }()

    @Test(arguments: fixtures.map(\.name))
    func everyTruncationThrows(_ name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        for length in 0..<fixture.bytes.count {
            let prefix = Array(fixture.bytes[..<length])
            let error = decodingError(prefix, insideStream: fixture.insideStream)
            #expect(error != nil, "a \(length)-byte prefix of \(name) decoded")
            if let error {
                #expect(error.offset <= length)
                #expect(error.messageLength == length)
                #expect([.truncated, .invalidLength, .unterminatedString].contains(error.code), "\(error)")
            }
        }
    }

    @Test(arguments: fixtures.map(\.name))
    func trailingBytesThrow(_ name: String) throws {
        let fixture = try #require(Self.fixtures.first { $0.name == name })
        for extra in [[0x00], [0x4E], [0xFF, 0xFF, 0xFF]] as [[UInt8]] {
            let error = try #require(decodingError(fixture.bytes + extra, insideStream: fixture.insideStream))
            if name == "streamAbort" {
                // Stream Abort's optional protocol-4 fields make extra bytes a truncated abort LSN instead.
                #expect(error.code == .truncated)
            } else {
                #expect(error.code == .trailingBytes, "\(error)")
                #expect(error.offset == fixture.bytes.count)
                #expect(error.hexDump.hasSuffix(extra.count == 1 ? "[\(hexString(extra))]" : "[ff] ff ff"))
            }
        }
    }

    @Test func randomMutationsNeverTrap() {
        var random = SplitMix64(seed: 0x5704_CD00)
        var decoded = 0
        var failed = 0
        for _ in 0..<5_000 {
            let fixture = Self.fixtures[Int.random(in: 0..<Self.fixtures.count, using: &random)]
            var mutated = fixture.bytes
            switch Int.random(in: 0..<4, using: &random) {
            case 0:  // flip a few bytes anywhere
                for _ in 0...Int.random(in: 0..<4, using: &random) {
                    mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(
                        in: 0...255, using: &random)
                }
            case 1:  // overwrite a 4-byte field with an extreme length
                let at = Int.random(in: 0..<max(1, mutated.count - 3), using: &random)
                let value = [UInt32.max, 0x8000_0000, 0x7FFF_FFFF, UInt32(mutated.count), 0xFFFF_0000].randomElement(
                    using: &random)!
                for index in 0..<min(4, mutated.count - at) {
                    mutated[at + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * index))
                }
            case 2:  // cut and splice: drop a random range
                let start = Int.random(in: 0..<mutated.count, using: &random)
                let end = Int.random(in: start...mutated.count, using: &random)
                mutated.removeSubrange(start..<end)
            default:  // random garbage after a valid header
                let keep = Int.random(in: 0...min(mutated.count, 40), using: &random)
                mutated =
                    Array(mutated[..<keep])
                    + (0..<Int.random(in: 0..<64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random)
                    }
            }
            let insideStream = Bool.random(using: &random)
            if let error = decodingError(mutated, insideStream: insideStream) {
                failed += 1
                #expect(error.offset >= 0 && error.offset <= mutated.count)
                #expect(!error.description.isEmpty)
            } else {
                decoded += 1
            }
        }
        // Most mutations break the message; some (a changed value byte) still decode. Both are fine; traps are not.
        #expect(failed > 2_000)
        #expect(decoded + failed == 5_000)
    }

    @Test func extremeLengthsAtEveryOffsetNeverTrap() {
        for fixture in Self.fixtures where fixture.bytes.count < 400 {
            for offset in 0..<fixture.bytes.count {
                for value: UInt32 in [.max, 0x8000_0000, 0x7FFF_FFFF, 0x0000_FFFF] {
                    var mutated = fixture.bytes
                    for index in 0..<min(4, mutated.count - offset) {
                        mutated[offset + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * index))
                    }
                    _ = decodingError(mutated, insideStream: fixture.insideStream)
                    _ = try? PgOutputMessage.decode(mutated.dropFirst(25), insideStream: fixture.insideStream)
                }
            }
        }
    }

    @Test func randomBuffersNeverTrap() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<3_000 {
            let tag = [UInt8(ascii: "w"), UInt8(ascii: "k"), UInt8.random(in: 0...255, using: &random)].randomElement(
                using: &random)!
            let body = (0..<Int.random(in: 0..<80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random)
            }
            _ = decodingError([tag] + body, insideStream: Bool.random(using: &random))
            _ = try? PgOutputMessage.decode(body)
            _ = try? StandbyStatusUpdate.decode([tag] + body)
        }
    }

    // MARK: Specific errors

    @Test func emptyBufferIsTruncated() throws {
        let error = try #require(decodingError([]))
        #expect(error.code == .truncated)
        #expect(error.offset == 0)
        #expect(error.messageTag == nil)
        #expect(error.hexDump == "[end]")
    }

    @Test(arguments: (0...255).filter { !ReplicationMessage.ID.allCases.map(\.rawValue).contains(UInt8($0)) })
    func unknownReplicationTags(_ tag: Int) throws {
        let error = try #require(decodingError([UInt8(tag), 0, 0, 0]))
        #expect(error.code == .unknownMessage)
        #expect(error.replicationMessageTag == UInt8(tag))
        #expect(error.pgOutputMessageTag == nil)
        #expect(error.offset == 0)
    }

    @Test(arguments: (0...255).filter { !PgOutputMessage.ID.allCases.map(\.rawValue).contains(UInt8($0)) })
    func unknownPgOutputTags(_ tag: Int) throws {
        var message = bytes(hex: F.commitInserts)
        message[25] = UInt8(tag)
        let error = try #require(decodingError(message))
        #expect(error.code == .unknownMessage)
        #expect(error.replicationMessageTag == UInt8(ascii: "w"))
        #expect(error.pgOutputMessageTag == UInt8(tag))
        #expect(error.messageTag == UInt8(tag))
        #expect(error.offset == 25)
    }

    @Test func twoPhaseMessagesAreUnknown() throws {
        for tag in "bPKrp".utf8 {
            let error = try #require(
                decodingError(bytes(hex: "77" + String(repeating: "00", count: 24)) + [tag, 0, 0]))
            #expect(error.code == .unknownMessage)
            #expect(error.pgOutputMessageTag == tag)
        }
    }

    @Test func errorCarriesTagsOffsetAndHexDump() throws {
        // Insert (w … I 00004007 N 0009 't' 00000001 '1' …) with the first cell's length made 0x7FFFFFFF.
        var message = bytes(hex: F.insertGadget)
        let lengthOffset = 25 + 1 + 4 + 1 + 2 + 1
        message.replaceSubrange(lengthOffset..<lengthOffset + 4, with: [0x7F, 0xFF, 0xFF, 0xFF])
        let error = try #require(decodingError(message))
        #expect(error.code == .invalidLength)
        #expect(error.replicationMessageTag == UInt8(ascii: "w"))
        #expect(error.pgOutputMessageTag == UInt8(ascii: "I"))
        #expect(error.offset == lengthOffset)
        #expect(error.hexDump == "… 00 00 40 07 4e 00 09 74 [7f] ff ff ff 32 74 00 00 00 …")
        #expect(
            error.description.hasPrefix("undecodable pgoutput 'I' in 'w' at byte 34 of \(message.count): invalidLength")
        )
    }

    @Test func negativeLengthIsInvalid() throws {
        var message = bytes(hex: F.messageTransactional)
        let lengthOffset = message.count - 20 - 4
        message.replaceSubrange(lengthOffset..<lengthOffset + 4, with: [0xFF, 0xFF, 0xFF, 0xFE])
        let error = try #require(decodingError(message))
        #expect(error.code == .invalidLength)
        #expect(error.offset == lengthOffset)
        #expect(error.detail.contains("-2"))
    }

    @Test func badTupleMarkersAndCellKinds() throws {
        var insert = bytes(hex: F.insertFullSeven)
        insert[30] = UInt8(ascii: "K")  // an Insert's marker must be N
        var error = try #require(decodingError(insert))
        #expect(error.code == .unexpectedByte)
        #expect(error.offset == 30)

        var delete = bytes(hex: F.deleteWithOldRow)
        delete[30] = UInt8(ascii: "N")  // a Delete's marker must be K or O
        error = try #require(decodingError(delete))
        #expect(error.code == .unexpectedByte)

        var update = bytes(hex: F.updateWithOldRow)
        update[30] = UInt8(ascii: "X")
        error = try #require(decodingError(update))
        #expect(error.code == .unexpectedByte)

        var cell = bytes(hex: F.insertFullEight)
        cell[cell.count - 1] = UInt8(ascii: "x")  // the NULL cell's kind
        error = try #require(decodingError(cell))
        #expect(error.code == .unexpectedByte)
        #expect(error.offset == cell.count - 1)
        #expect(error.detail.contains("'x'"))
    }

    @Test func hugeCountsAreRejectedBeforeAllocating() throws {
        var relation = bytes(hex: F.relationChild)
        // wire_child: w(25) R oid "public\0" "wire_child\0" 'd' count(2)
        let countOffset = 25 + 1 + 4 + 7 + 11 + 1
        relation.replaceSubrange(countOffset..<countOffset + 2, with: [0xFF, 0xFF])
        var error = try #require(decodingError(relation))
        #expect(error.code == .invalidLength)
        #expect(error.offset == countOffset)

        var truncate = bytes(hex: F.truncatePlain)
        truncate.replaceSubrange(26..<30, with: [0xFF, 0xFF, 0xFF, 0xFF])
        error = try #require(decodingError(truncate))
        #expect(error.code == .invalidLength)
        #expect(error.offset == 26)

        var tuple = bytes(hex: F.insertChildOne)
        tuple.replaceSubrange(31..<33, with: [0xFF, 0xFF])
        error = try #require(decodingError(tuple))
        #expect(error.code == .invalidLength)
        #expect(error.offset == 31)
    }

    @Test func unterminatedString() throws {
        let origin = bytes(hex: F.originMessage)
        let error = try #require(decodingError(Array(origin.dropLast())))
        #expect(error.code == .unterminatedString)
        #expect(error.pgOutputMessageTag == UInt8(ascii: "O"))
    }

    @Test func decoderStateIsUnchangedByAFailure() throws {
        var decoder = ReplicationDecoder()
        _ = try decoder.decode(bytes(hex: F.streamStartFirst))
        #expect(decoder.insideStream)
        #expect(throws: WireDecodingError.self) { try decoder.decode(Array(bytes(hex: F.streamStopFirst).dropLast())) }
        #expect(decoder.insideStream)
        _ = try decoder.decode(bytes(hex: F.streamStopFirst))
        #expect(!decoder.insideStream)
    }
}
