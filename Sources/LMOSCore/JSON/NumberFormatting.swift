/// Number to text conversions shared by the JSON serializer and JCS.
enum NumberFormatting {
    /// Appends the decimal digits of `value`.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while magnitude > 0 {
                raw[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(raw[index]) }
        }
    }

    /// Appends `value` as ECMAScript's `Number.prototype.toString()` writes it (ECMA-262 section 7.1.12.1), the
    /// number form that RFC 8785 (JCS) requires: shortest round-trip digits, no exponent from 1e-6 to 1e21.
    /// `value` must be finite.
    static func appendECMAScript(_ value: Double, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))  // both +0 and -0
            return
        }
        if value.magnitude < 9_007_199_254_740_992, let exact = Int64(exactly: value) {
            appendInteger(exact, to: &out)
            return
        }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        // Swift's description gives the shortest digits that round-trip (closest on ties), like ECMAScript;
        // only the layout differs. Read the digits and the decimal exponent back out of it.
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        var integerDigits = 0
        var seenPoint = false
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for byte in value.magnitude.description.utf8 {
            if inExponent {
                if byte == UInt8(ascii: "-") {
                    exponentNegative = true
                } else if byte != UInt8(ascii: "+") {
                    exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                }
            } else if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                inExponent = true
            } else {
                digits.append(byte)
                if !seenPoint { integerDigits += 1 }
            }
        }
        if exponentNegative { exponent = -exponent }
        var n = integerDigits + exponent
        var leading = 0
        while leading < digits.count - 1, digits[leading] == UInt8(ascii: "0") { leading += 1 }
        n -= leading
        var end = digits.count
        while end > leading + 1, digits[end - 1] == UInt8(ascii: "0") { end -= 1 }
        let s = digits[leading..<end]
        let k = s.count

        if k <= n && n <= 21 {
            out.append(contentsOf: s)
            for _ in 0..<(n - k) { out.append(UInt8(ascii: "0")) }
        } else if 0 < n && n <= 21 {
            out.append(contentsOf: s.prefix(n))
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: s.dropFirst(n))
        } else if -6 < n && n <= 0 {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-n) { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: s)
        } else {
            out.append(s[s.startIndex])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: s.dropFirst())
            }
            out.append(UInt8(ascii: "e"))
            let e = n - 1
            out.append(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            appendInteger(Int64(e.magnitude), to: &out)
        }
    }

    /// Appends a double for lossless JSON output: the ECMAScript form, plus `.0` when that form would read back
    /// as an integer. Non-finite values, which JSON cannot express, are written as `null`.
    static func appendJSONDouble(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
            return
        }
        if value == 0 && value.sign == .minus { out.append(UInt8(ascii: "-")) }
        let start = out.count
        appendECMAScript(value, to: &out)
        if !out[start...].contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") }) {
            out.append(UInt8(ascii: "."))
            out.append(UInt8(ascii: "0"))
        }
    }
}
