extension JSONValue {
    /// The JSON Canonicalization Scheme (RFC 8785) form of this value, as UTF-8.
    ///
    /// Object members sorted by the UTF-16 code units of their names, no whitespace, strings escaped as
    /// section 3.2.2.2 says, numbers as ECMAScript writes IEEE 754 doubles (section 3.2.2.3).
    ///
    /// - Throws: ``CoreError/Code/notCanonicalizable`` for an integer that a double would change (beyond 2^53,
    ///   where the nearest double is written with other digits) or a non-finite double: RFC 8785 requires I-JSON
    ///   numbers, and rounding them silently would make two different documents sign alike. Canonical output
    ///   always canonicalizes again to the same bytes.
    public func canonicalJSON() throws(CoreError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        var pointer: [String] = []
        try JCSWriter.write(self, to: &out, pointer: &pointer)
        return out
    }
}

enum JCSWriter {
    static func write(_ value: JSONValue, to out: inout [UInt8], pointer: inout [String]) throws(CoreError) {
        switch value {
        case .null, .bool, .string:
            var writer = JSONWriter(options: [])
            writer.write(value, indent: 0)
            out.append(contentsOf: writer.out)
        case .integer(let integer):
            // RFC 8785 numbers are IEEE 754 doubles. An integer is accepted when the double nearest to it is written
            // with the integer's own digits (exact ones, and ones like 1152921504606847000 that JCS itself wrote
            // for 2^60); one that a double would change, such as 2^53 + 1, is refused rather than silently altered.
            let double = Double(integer)
            if Double(exactly: integer) != nil {
                NumberFormatting.appendECMAScript(double, to: &out)
            } else {
                var digits: [UInt8] = []
                NumberFormatting.appendInteger(integer, to: &digits)
                var formatted: [UInt8] = []
                NumberFormatting.appendECMAScript(double, to: &formatted)
                guard digits == formatted else {
                    throw CoreError(
                        .notCanonicalizable, at: .value(pointer: render(pointer)),
                        "integer \(integer) has no exact IEEE 754 double form (RFC 8785 section 3.2.2.3)")
                }
                out.append(contentsOf: formatted)
            }
        case .double(let double):
            guard double.isFinite else {
                throw CoreError(
                    .notCanonicalizable, at: .value(pointer: render(pointer)), "\(double) is not a JSON number")
            }
            NumberFormatting.appendECMAScript(double, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                pointer.append(String(position))
                try write(element, to: &out, pointer: &pointer)
                pointer.removeLast()
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let members = object.storage.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            for (position, member) in members.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendQuoted(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                pointer.append(member.key)
                try write(member.value, to: &out, pointer: &pointer)
                pointer.removeLast()
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func render(_ pointer: [String]) -> String {
        JSONPointer(tokens: pointer).description
    }
}
