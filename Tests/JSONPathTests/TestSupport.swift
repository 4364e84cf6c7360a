import Foundation
import JSONPath
import LMOSCore
import Testing

// Helpers shared by the JSONPath tests: JSON written by the tests, fixtures, and error capture.

/// Parses JSON text that the test itself wrote; a failure is a bug in the test.
func json(_ text: String) -> JSONValue {
    do {
        return try JSONValue(parsing: text)
    } catch {
        preconditionFailure("test JSON does not parse: \(error)\n\(text)")
    }
}

/// The values `query` selects from `document`, or `nil` (with a recorded issue) if the query does not parse.
func select(_ query: String, _ document: JSONValue, sourceLocation: SourceLocation = #_sourceLocation)
    -> [JSONValue]?
{
    do {
        return try JSONPathQuery(query).select(document)
    } catch {
        Issue.record("\(query) does not parse: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The nodes `query` selects from `document`, or `nil` (with a recorded issue) if the query does not parse.
func nodes(_ query: String, _ document: JSONValue, sourceLocation: SourceLocation = #_sourceLocation)
    -> [JSONPathNode]?
{
    do {
        return try JSONPathQuery(query).nodes(document)
    } catch {
        Issue.record("\(query) does not parse: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The error parsing `query` throws, or `nil` (with a recorded issue) if it parses.
func parseError(_ query: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONPathError? {
    do {
        _ = try JSONPathQuery(query)
        Issue.record("expected \(query) to be refused", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// `text` as a single-quoted JSONPath string literal.
func quoted(_ text: String) -> String {
    var literal = "'"
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": literal += "\\\\"
        case "'": literal += "\\'"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                literal.unicodeScalars.append(scalar)
            }
        }
    }
    return literal + "'"
}

/// Measures `body` in seconds.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

enum Fixtures {
    /// `Fixtures/<name>` parsed as JSON.
    static func json(_ name: String) throws -> JSONValue {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
            "fixture \(name) is missing from the test bundle")
        return try JSONValue(parsing: Data(contentsOf: url))
    }
}
