import JSONPath
import LMOSCore
import Testing

/// Every case of the JSONPath Compliance Test Suite (Fixtures/cts.json, see Fixtures/README.md): invalid selectors
/// must be refused; valid ones must select `result` (or one of `results` where the order is not determined) with
/// the Normalized Paths `result_paths` (`results_paths`).
@Suite struct ComplianceTestSuiteTests {
    /// Cases we do not run, by name, with the reason. Empty: every case runs.
    static let skipped: [String: String] = [:]

    @Test func everyCase() throws {
        let suite = try Fixtures.json("cts.json")
        let cases = try #require(suite["tests"]?.arrayValue)
        #expect(cases.count > 700)
        var passed = 0
        for testCase in cases {
            let name = testCase["name"]?.stringValue ?? "?"
            let selector = try #require(testCase["selector"]?.stringValue, "case \(name) has no selector")
            if Self.skipped[name] != nil { continue }
            if let failure = Self.run(testCase, selector: selector) {
                Issue.record("CTS \"\(name)\" \(selector): \(failure)")
            } else {
                passed += 1
            }
        }
        #expect(passed == cases.count - Self.skipped.count)
    }

    /// `nil` if the case passes, otherwise what went wrong.
    static func run(_ testCase: JSONValue, selector: String) -> String? {
        if testCase["invalid_selector"] == true {
            do {
                _ = try JSONPathQuery(selector)
                return "accepted an invalid selector"
            } catch {
                return error.offset == nil && error.code != .limitExceeded ? "error without offset: \(error)" : nil
            }
        }
        let query: JSONPathQuery
        do {
            query = try JSONPathQuery(selector)
        } catch {
            return "refused a valid selector: \(error)"
        }
        let document = testCase["document"] ?? .null
        let values = query.select(document)
        let nodes = query.nodes(document)
        guard values == nodes.map(\.value) else { return "select and nodes disagree" }
        let paths = nodes.map(\.location)

        var alternatives: [(values: JSONValue, paths: JSONValue?)] = []
        if let result = testCase["result"] {
            alternatives.append((result, testCase["result_paths"]))
        }
        if let results = testCase["results"]?.arrayValue {
            let resultsPaths = testCase["results_paths"]?.arrayValue
            for (index, result) in results.enumerated() {
                alternatives.append((result, resultsPaths.flatMap { index < $0.count ? $0[index] : nil }))
            }
        }
        guard !alternatives.isEmpty else { return "case has no result" }
        let actualPaths = JSONValue.array(paths.map { .string($0) })
        for alternative in alternatives where JSONValue.array(values) == alternative.values {
            if alternative.paths == nil || alternative.paths == actualPaths { return nil }
        }
        return "selected \(JSONValue.array(values)) at \(actualPaths), expected \(alternatives.map(\.values))"
    }
}
