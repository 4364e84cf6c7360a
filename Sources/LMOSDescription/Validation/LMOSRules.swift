import LMOSCore

extension DescriptionValidator {
    /// PROTOCOL.md section 1: the `lmos` prefix must be declared wherever LMOS terms are used; a description is an
    /// agent or a tool, not both; `lmos:metadata` and `lmos:capabilities` have their shapes.
    mutating func validateLMOS(_ thing: JSONObject) {
        let root = JSONPointer.root
        let types = ThingDescription.strings(thing["@type"])
        let usesLMOS = types.contains { $0.hasPrefix("lmos:") } || thing.keys.contains { $0.hasPrefix("lmos:") }
        if usesLMOS, let context = thing["@context"], !Self.declaresLMOSPrefix(context) {
            report(
                root.appending("@context"),
                "LMOS terms are used but @context does not map \"lmos\" to \"\(Vocabulary.lmosNamespace)\"")
        }
        if types.contains(Vocabulary.agentType) && types.contains(Vocabulary.toolType) {
            report(root.appending("@type"), "a description is either lmos:Agent or lmos:Tool, not both")
        }
        if let metadata = thing[Vocabulary.metadata] { validateMetadata(metadata, at: root.appending(Vocabulary.metadata)) }
        if let capabilities = thing[Vocabulary.capabilities] {
            validateCapabilities(capabilities, at: root.appending(Vocabulary.capabilities))
        }
    }

    static func declaresLMOSPrefix(_ context: JSONValue) -> Bool {
        guard case .array(let entries) = context else { return false }
        for entry in entries {
            if let namespace = entry[Vocabulary.lmosPrefix]?.stringValue, Vocabulary.isLMOSNamespace(namespace) {
                return true
            }
        }
        return false
    }

    mutating func validateMetadata(_ value: JSONValue, at path: JSONPointer) {
        guard let metadata = object(value, at: path) else { return }
        if let vendor = metadata["lmos:vendor"] {
            let vendorPath = path.appending("lmos:vendor")
            if let vendorObject = object(vendor, at: vendorPath) {
                if let name = vendorObject["lmos:name"] { string(name, at: vendorPath.appending("lmos:name")) }
                if let url = vendorObject["lmos:url"], let text = string(url, at: vendorPath.appending("lmos:url")),
                    !Syntax.isAbsoluteURI(text)
                {
                    report(vendorPath.appending("lmos:url"), "must be an absolute URL")
                }
            }
        }
    }

    mutating func validateCapabilities(_ value: JSONValue, at path: JSONPointer) {
        guard let capabilities = array(value, at: path) else { return }
        var seen: [String: Int] = [:]
        for (index, entry) in capabilities.enumerated() {
            let entryPath = path.appending(index)
            guard let capability = object(entry, at: entryPath) else { continue }
            if let id = capability["id"] {
                if let text = string(id, at: entryPath.appending("id")) {
                    if !Syntax.isAbsoluteURI(text) {
                        report(entryPath.appending("id"), "must be a URI such as urn:acme:capability:billing:view")
                    }
                    if let first = seen[text] {
                        report(entryPath.appending("id"), "\"\(text)\" is also the id of capability \(first)")
                    } else {
                        seen[text] = index
                    }
                }
            } else {
                report(entryPath.appending("id"), "is required")
            }
            if let name = capability["name"] {
                string(name, at: entryPath.appending("name"))
            } else {
                report(entryPath.appending("name"), "is required")
            }
            for key in ["version", "description"] {
                if let member = capability[key] { string(member, at: entryPath.appending(key)) }
            }
            if let examples = capability["examples"] {
                let examplesPath = entryPath.appending("examples")
                for (exampleIndex, example) in (array(examples, at: examplesPath) ?? []).enumerated() {
                    string(example, at: examplesPath.appending(exampleIndex))
                }
            }
        }
    }
}
