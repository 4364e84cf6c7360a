import LMOSCore

/// How the evaluator tracks where a node is: not at all (for `select` and inside filters), or as the links of a
/// Normalized Path (for `nodes`). The evaluator is generic over it so that `select` pays nothing for paths.
protocol NodeLocation {
    static var root: Self { get }
    func appending(name: String) -> Self
    func appending(index: Int) -> Self
}

/// No location at all.
struct NoLocation: NodeLocation {
    static var root: NoLocation { NoLocation() }
    @inline(__always) func appending(name: String) -> NoLocation { self }
    @inline(__always) func appending(index: Int) -> NoLocation { self }
}

/// The location of a node as a chain of links to its parent, shared between siblings, so extending it is one small
/// allocation whatever the depth; the text is built only for the nodes of the result.
struct NormalizedPath: NodeLocation, CustomStringConvertible {
    final class Link: Sendable {
        enum Step: Sendable {
            case name(String)
            case index(Int)
        }

        let parent: Link?
        let step: Step

        init(parent: Link?, step: Step) {
            self.parent = parent
            self.step = step
        }
    }

    let last: Link?

    static var root: NormalizedPath { NormalizedPath(last: nil) }

    func appending(name: String) -> NormalizedPath { NormalizedPath(last: Link(parent: last, step: .name(name))) }
    func appending(index: Int) -> NormalizedPath { NormalizedPath(last: Link(parent: last, step: .index(index))) }

    /// The Normalized Path (RFC 9535 section 2.7), e.g. `$['store']['book'][0]`.
    var description: String {
        var steps: [Link.Step] = []
        var link = last
        while let current = link {
            steps.append(current.step)
            link = current.parent
        }
        var text = "$"
        for step in steps.reversed() {
            switch step {
            case .name(let name):
                text += "['"
                NormalizedPath.appendEscaped(name, to: &text)
                text += "']"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    /// `normal-single-quoted`: `\b \f \n \r \t \' \\` as such, other control characters as `\u00xx` (lowercase
    /// hex), everything else as it is.
    static func appendEscaped(_ name: String, to text: inout String) {
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "'": text += "\\'"
            case "\\": text += "\\\\"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += hex.count == 1 ? "\\u000\(hex)" : "\\u00\(hex)"
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
    }
}

/// A node during evaluation: a value and (depending on `Location`) where it is.
struct Node<Location: NodeLocation> {
    var value: JSONValue
    var location: Location
}
