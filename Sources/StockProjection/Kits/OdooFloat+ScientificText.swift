extension OdooFloat {
    /// The text C's `printf("%.15e", value)` writes (and Python's `f"{value:.15e}"`): the exact binary value
    /// correctly rounded to 16 significant digits, ties to even, as `d.ddddddddddddddde±XX`.
    ///
    /// Odoo 18's `float_invert` goes through this text, so its digits decide the inverse's bits. Written here
    /// without Foundation's `String(format:)`: the double's exact decimal expansion is computed with a small
    /// base-10⁹ big integer (a double is `m × 2^e`, so `m × 5^-e` holds its digits when `e < 0`), then rounded.
    /// Infinities and NaN give `inf`, `-inf` and `nan`, as glibc's `printf` does.
    ///
    /// - Parameters:
    ///   - value: Any double.
    /// - Returns: Its `%.15e` text.
    static func scientificText(_ value: Double) -> String {
        let significantDigits = 16
        let sign = value.sign == .minus ? "-" : ""
        if value.isNaN { return value.sign == .minus ? "-nan" : "nan" }
        if value.isInfinite { return sign + "inf" }
        if value == 0 { return sign + "0." + String(repeating: "0", count: significantDigits - 1) + "e+00" }

        // value = significand × 2^exponent exactly, with an integer significand.
        let magnitude = Swift.abs(value)
        var significand = magnitude.significandBitPattern
        var exponent = Int(magnitude.exponent) - Double.significandBitCount
        if magnitude.isNormal {
            significand |= 1 << UInt64(Double.significandBitCount)
        } else {
            exponent = Int(Double.leastNormalMagnitude.exponent) - Double.significandBitCount
        }
        // The exact value is digits × 10^-decimalShift.
        var number = DecimalDigits(significand)
        var decimalShift = 0
        if exponent >= 0 {
            number.multiply(byPowerOf: 2, exponent)
        } else {
            number.multiply(byPowerOf: 5, -exponent)
            decimalShift = -exponent
        }
        var digits = number.digits()
        var decimalExponent = digits.count - 1 - decimalShift

        // Round to `significantDigits`, ties to even (the exact expansion is finite, so a tie is exact).
        if digits.count > significantDigits {
            let first = digits[significantDigits]
            let restIsZero = digits[(significantDigits + 1)...].allSatisfy { $0 == 0 }
            let keptIsOdd = digits[significantDigits - 1] % 2 == 1
            let roundUp = first > 5 || (first == 5 && (!restIsZero || keptIsOdd))
            digits.removeSubrange(significantDigits...)
            if roundUp {
                var index = significantDigits - 1
                while index >= 0 && digits[index] == 9 {
                    digits[index] = 0
                    index -= 1
                }
                if index >= 0 {
                    digits[index] += 1
                } else {
                    digits.insert(1, at: 0)
                    digits.removeLast()
                    decimalExponent += 1
                }
            }
        } else {
            digits += repeatElement(0, count: significantDigits - digits.count)
        }

        var text = sign
        text.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "0") + digits[0]))
        text += "."
        for digit in digits.dropFirst() { text.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "0") + digit)) }
        text += decimalExponent < 0 ? "e-" : "e+"
        let exponentText = String(Swift.abs(decimalExponent))
        if exponentText.count < 2 { text += "0" }
        return text + exponentText
    }

    /// A non-negative integer as base-10⁹ limbs, least significant first: just enough arithmetic to expand a
    /// double exactly.
    private struct DecimalDigits {
        private static let base: UInt64 = 1_000_000_000
        private var limbs: [UInt64]

        init(_ value: UInt64) {
            limbs = [value % Self.base]
            var rest = value / Self.base
            while rest > 0 {
                limbs.append(rest % Self.base)
                rest /= Self.base
            }
        }

        /// Multiplies by `factor^count` (`factor` 2 or 5), in steps that keep every product below 2⁶⁴.
        mutating func multiply(byPowerOf factor: UInt64, _ count: Int) {
            // 2^29 and 5^12 are below 10⁹, so limb × step + carry stays far below 2⁶⁴.
            let stepExponent = factor == 2 ? 29 : 12
            var remaining = count
            while remaining > 0 {
                let exponent = Swift.min(remaining, stepExponent)
                var step: UInt64 = 1
                for _ in 0..<exponent { step *= factor }
                multiply(by: step)
                remaining -= exponent
            }
        }

        private mutating func multiply(by factor: UInt64) {
            var carry: UInt64 = 0
            for index in limbs.indices {
                let product = limbs[index] * factor + carry
                limbs[index] = product % Self.base
                carry = product / Self.base
            }
            while carry > 0 {
                limbs.append(carry % Self.base)
                carry /= Self.base
            }
        }

        /// The decimal digits, most significant first, without leading zeros.
        func digits() -> [UInt8] {
            var result: [UInt8] = []
            result.reserveCapacity(limbs.count * 9)
            for (position, limb) in limbs.reversed().enumerated() {
                var chunk = [UInt8](repeating: 0, count: 9)
                var rest = limb
                for index in stride(from: 8, through: 0, by: -1) {
                    chunk[index] = UInt8(rest % 10)
                    rest /= 10
                }
                if position == 0 {
                    result += chunk.drop { $0 == 0 }
                } else {
                    result += chunk
                }
            }
            return result
        }
    }
}
