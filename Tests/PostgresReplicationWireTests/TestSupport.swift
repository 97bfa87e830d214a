import PostgresReplicationWire

/// Bytes from hex text; whitespace is ignored. Traps on bad input, which is a broken test.
func bytes(hex: String) -> [UInt8] {
    let digits = hex.unicodeScalars.filter { !$0.properties.isWhitespace }.map { Character($0) }
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    var result: [UInt8] = []
    result.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
        guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else { preconditionFailure("bad hex") }
        result.append(byte)
        index += 2
    }
    return result
}

/// Lower-case hex without separators.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// A small, fast, seeded generator (SplitMix64), so that fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Decodes `bytes` as one CopyData message and returns the error it throws, or `nil` if it decodes.
func decodingError(_ bytes: [UInt8], insideStream: Bool = false) -> WireDecodingError? {
    do {
        _ = try ReplicationMessage.decode(bytes, insideStream: insideStream)
        return nil
    } catch {
        return error
    }
}
