import Foundation
import LMOSCore
import Testing

// Helpers shared by the LMOSCore tests: hex, fixtures, error capture, a seeded random generator and a random
// JSONValue generator.

/// The bytes of a hex string such as `"1903e8"` (whitespace allowed between bytes).
func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8.filter { $0 != UInt8(ascii: " ") })
    precondition(digits.count.isMultiple(of: 2), "odd number of hex digits in \(hex)")
    func nibble(_ digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: preconditionFailure("invalid hex digit in \(hex)")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

/// Lowercase hex of `bytes`.
func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// The UTF-8 text of `bytes`.
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Parses JSON text that the test itself wrote; a failure is a bug in the test.
func json(_ text: String) -> JSONValue {
    do {
        return try JSONValue(parsing: text)
    } catch {
        preconditionFailure("test JSON does not parse: \(error)\n\(text)")
    }
}

/// The error that parsing `text` throws, or `nil` (with a recorded issue) if it parses.
func parseError(
    _ text: String, limits: DecodingLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
) -> CoreError? {
    parseError(Array(text.utf8), limits: limits, sourceLocation: sourceLocation)
}

/// The error that parsing `bytes` throws, or `nil` (with a recorded issue) if it parses.
func parseError(
    _ bytes: [UInt8], limits: DecodingLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
) -> CoreError? {
    do {
        let value = try JSONValue(parsing: bytes, limits: limits)
        Issue.record("expected a parse error, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The error that decoding `bytes` as CBOR throws, or `nil` (with a recorded issue) if it decodes.
func cborError(
    _ bytes: [UInt8], limits: DecodingLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
) -> CoreError? {
    do {
        let value = try JSONValue(cbor: bytes, limits: limits)
        Issue.record("expected a CBOR error, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The byte offset of an error location (text or binary); `nil` for value locations.
func offset(of location: CoreError.Location) -> Int? {
    switch location {
    case .text(_, _, let offset): return offset
    case .byte(let offset): return offset
    case .value: return nil
    }
}

// MARK: Fixtures

enum Fixtures {
    /// The raw bytes of `Fixtures/<name>`.
    static func data(_ name: String) throws -> Data {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
            "fixture \(name) is missing from the test bundle")
        return try Data(contentsOf: url)
    }

    /// `Fixtures/<name>` parsed as JSON.
    static func json(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: data(name))
    }

    /// The `vectors` array of a fixture file.
    static func vectors(_ name: String) throws -> [JSONValue] {
        try #require(json(name)["vectors"]?.arrayValue, "fixture \(name) has no vectors array")
    }
}

// MARK: Value helpers

extension JSONValue {
    /// The same value with every object's members in reverse order, recursively.
    var reversingMemberOrder: JSONValue {
        switch self {
        case .array(let elements): return .array(elements.map(\.reversingMemberOrder))
        case .object(let object):
            return .object(JSONObject(object.members.reversed().map { ($0.key, $0.value.reversingMemberOrder) }))
        default: return self
        }
    }

    /// Whether any integer inside is one JCS refuses: no exact `Double`, and not already written as its double.
    var containsIntegerBeyondDouble: Bool {
        switch self {
        case .integer(let integer):
            // Refused by JCS only when the nearest double is written with other digits (the double's text is
            // checked independently against Python in JCSTests).
            guard Double(exactly: integer) == nil else { return false }
            let doubleText = (try? JSONValue.double(Double(integer)).canonicalJSON()).map { String(decoding: $0, as: UTF8.self) }
            return doubleText != String(integer)
        case .array(let elements): return elements.contains { $0.containsIntegerBeyondDouble }
        case .object(let object): return object.members.contains { $0.value.containsIntegerBeyondDouble }
        default: return false
        }
    }

    /// The value as RFC 8785 sees it: every number an IEEE 754 double, `-0` as `0`.
    var asIEEENumbers: JSONValue {
        switch self {
        case .integer(let integer): return .double(Double(integer) == 0 ? 0 : Double(integer))
        case .double(let double): return .double(double == 0 ? 0 : double)
        case .array(let elements): return .array(elements.map(\.asIEEENumbers))
        case .object(let object): return .object(JSONObject(object.members.map { ($0.key, $0.value.asIEEENumbers) }))
        default: return self
        }
    }
}
