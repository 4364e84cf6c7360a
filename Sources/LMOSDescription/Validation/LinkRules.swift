import LMOSCore

extension DescriptionValidator {
    /// TD 1.1 section 5.3.4.1 `Link`: `href` required; `sizes` only on icon links (`rel: icon`);
    /// `tm:extends` belongs to Thing Models only.
    mutating func validateLinks(_ value: JSONValue, at path: JSONPointer) {
        guard let links = array(value, at: path) else { return }
        for (index, entry) in links.enumerated() {
            let linkPath = path.appending(index)
            guard let link = object(entry, at: linkPath) else { continue }
            if let href = link["href"] {
                if let text = string(href, at: linkPath.appending("href")), !Syntax.isURIReference(text) {
                    report(linkPath.appending("href"), "\"\(text)\" is not a URI")
                }
            } else {
                report(linkPath.appending("href"), "is required")
            }
            for key in ["type", "rel", "anchor"] {
                if let member = link[key] { string(member, at: linkPath.appending(key)) }
            }
            let rel = link["rel"]?.stringValue
            if rel == "tm:extends" {
                report(linkPath.appending("rel"), "tm:extends is only allowed in Thing Models")
            }
            if let sizes = link["sizes"] {
                if rel != "icon" {
                    report(linkPath.appending("sizes"), "sizes is only allowed on links with rel \"icon\"")
                } else if let text = string(sizes, at: linkPath.appending("sizes")), !Self.isIconSizes(text) {
                    report(linkPath.appending("sizes"), "must look like 16x16 (sizes separated by spaces)")
                }
            }
            if let hreflang = link["hreflang"] {
                let langPath = linkPath.appending("hreflang")
                switch hreflang {
                case .string(let tag):
                    if !Syntax.isLanguageTag(tag) { report(langPath, "\"\(tag)\" is not a BCP 47 language tag") }
                case .array(let tags):
                    for (tagIndex, tag) in tags.enumerated() {
                        if let text = string(tag, at: langPath.appending(tagIndex)), !Syntax.isLanguageTag(text) {
                            report(langPath.appending(tagIndex), "\"\(text)\" is not a BCP 47 language tag")
                        }
                    }
                default:
                    report(langPath, "must be a language tag or an array of them, found \(hreflang.typeName)")
                }
            }
        }
    }

    /// The schema's pattern `[0-9]*x[0-9]+`, unanchored: somewhere an `x` followed by a digit.
    static func isIconSizes(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        for index in bytes.indices.dropLast() where bytes[index] == UInt8(ascii: "x") {
            if Syntax.isDigit(bytes[index + 1]) { return true }
        }
        return false
    }
}
