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
        out.reserveCapacity(4096)
        do {
            try JCSWriter.write(self, to: &out)
        } catch {
            let pointer = JSONPointer(tokens: error.path.reversed()).description
            throw CoreError(.notCanonicalizable, at: .value(pointer: pointer), error.reason)
        }
        return out
    }
}

enum JCSWriter {
    /// A refusal on its way up; each level adds its token, so the success path keeps no path at all.
    struct Refusal: Error {
        var path: [String]
        let reason: String
    }

    static func write(_ value: JSONValue, to out: inout [UInt8]) throws(Refusal) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(true): out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        case .bool(false): out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .string(let string): JSONWriter.appendQuoted(string, to: &out)
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
                    throw Refusal(
                        path: [], reason: "integer \(integer) has no exact IEEE 754 double form (RFC 8785 section 3.2.2.3)")
                }
                out.append(contentsOf: formatted)
            }
        case .double(let double):
            guard double.isFinite else { throw Refusal(path: [], reason: "\(double) is not a JSON number") }
            NumberFormatting.appendECMAScript(double, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                do {
                    try write(element, to: &out)
                } catch {
                    throw error.adding(String(position))
                }
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            try writeMembers(object.storage, to: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Members in UTF-16 code unit order of their names, sorting indices in stack memory (or not at all when the
    /// names are already in order).
    static func writeMembers(_ members: [JSONObject.Member], to out: inout [UInt8]) throws(Refusal) {
        var sorted = true
        for index in members.indices.dropFirst() where !UTF16Order.precedes(members[index - 1].key, members[index].key) {
            sorted = false
            break
        }
        if sorted {
            for (position, member) in members.enumerated() { try writeMember(member, first: position == 0, to: &out) }
            return
        }
        let result: Result<Void, Refusal> = withUnsafeTemporaryAllocation(of: Int.self, capacity: members.count) {
            buffer in
            var order = buffer
            for index in members.indices { order.initializeElement(at: index, to: index) }
            order.sort { UTF16Order.precedes(members[$0].key, members[$1].key) }
            for (position, index) in order.enumerated() {
                do throws(Refusal) {
                    try writeMember(members[index], first: position == 0, to: &out)
                } catch {
                    return .failure(error)
                }
            }
            return .success(())
        }
        try result.get()
    }

    static func writeMember(_ member: JSONObject.Member, first: Bool, to out: inout [UInt8]) throws(Refusal) {
        if !first { out.append(UInt8(ascii: ",")) }
        JSONWriter.appendQuoted(member.key, to: &out)
        out.append(UInt8(ascii: ":"))
        do {
            try write(member.value, to: &out)
        } catch {
            throw error.adding(member.key)
        }
    }
}

extension JCSWriter.Refusal {
    func adding(_ token: String) -> Self {
        var copy = self
        copy.path.append(token)
        return copy
    }
}

/// Orders strings by their UTF-16 code units (RFC 8785 section 3.2.3) without transcoding them: UTF-8 bytes where
/// both are ASCII at the first difference, otherwise the differing scalars mapped to an order-equivalent key.
enum UTF16Order {
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        // Native strings hand out their UTF-8 directly: compare those bytes up to the first difference.
        // 1: lhs first, 0: not, -1: the first difference is not ASCII, decide by scalars.
        let verdict: Int8? = lhs.utf8.withContiguousStorageIfAvailable { left -> Int8 in
            rhs.utf8.withContiguousStorageIfAvailable { right -> Int8 in
                compare(left, right)
            } ?? -1
        }
        switch verdict {
        case 1: return true
        case 0: return false
        default: return slowPrecedes(lhs, rhs)
        }
    }

    @inline(__always)
    static func compare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int8 {
        let count = min(left.count, right.count)
        var index = 0
        while index < count {
            let l = left[index]
            let r = right[index]
            if l != r {
                if l < 0x80 && r < 0x80 { return l < r ? 1 : 0 }
                return -1
            }
            index += 1
        }
        return left.count < right.count ? 1 : 0
    }

    /// Scalar by scalar: code points below U+D800 sort by value, then every supplementary code point (encoded in
    /// UTF-16 with a surrogate from U+D800), then U+E000 to U+FFFF.
    static func slowPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.unicodeScalars.makeIterator()
        var right = rhs.unicodeScalars.makeIterator()
        while true {
            guard let l = left.next() else { return right.next() != nil }
            guard let r = right.next() else { return false }
            if l != r { return key(l) < key(r) }
        }
    }

    @inline(__always)
    static func key(_ scalar: Unicode.Scalar) -> UInt32 {
        let value = scalar.value
        if value < 0xD800 { return value }
        if value >= 0x1_0000 { return 0xD800 + (value - 0x1_0000) }
        return value + 0x10_0000
    }
}
