extension JSONValue {
    /// Applies a JSON Merge Patch (RFC 7396 section 2) to this value.
    ///
    /// A `null` member in the patch removes that member; an object member merges recursively; anything else
    /// replaces. Existing members keep their position; new ones are appended in the patch's order.
    public mutating func applyMergePatch(_ patch: JSONValue) {
        guard case .object(let patchObject) = patch else {
            self = patch
            return
        }
        var target: JSONObject
        if case .object(let existing) = self {
            target = existing
            self = .null  // release our reference so `target` mutates without a copy
        } else {
            target = JSONObject()
        }
        for member in patchObject.storage {
            if case .null = member.value {
                target[member.key] = nil
            } else {
                var value = target.removeValueKeepingPosition(member.key) ?? .null
                value.applyMergePatch(member.value)
                target[member.key] = value
            }
        }
        self = .object(target)
    }

    /// This value with a JSON Merge Patch applied.
    public func mergePatched(with patch: JSONValue) -> JSONValue {
        var copy = self
        copy.applyMergePatch(patch)
        return copy
    }

    /// The merge patch that turns `source` into `target`, or `nil` when they are equal.
    ///
    /// Applying the result to `source` yields `target`, except where `target` holds `null` member values, which
    /// RFC 7396 cannot express (section 1): those members are removed instead.
    public static func mergePatch(from source: JSONValue, to target: JSONValue) -> JSONValue? {
        guard case .object(let sourceObject) = source, case .object(let targetObject) = target else {
            // Not `source == target ? nil : target`: that ternary is typed `JSONValue`, which turns `nil` into `.null`.
            if source == target { return nil }
            return target
        }
        var patch = JSONObject()
        for member in sourceObject.storage where !targetObject.contains(member.key) {
            patch[member.key] = .null
        }
        for member in targetObject.storage {
            if let old = sourceObject[member.key] {
                if let inner = mergePatch(from: old, to: member.value) {
                    patch[member.key] = inner
                }
            } else {
                patch[member.key] = member.value.removingNullMembers()
            }
        }
        return patch.isEmpty ? nil : .object(patch)
    }

    /// Objects without `null` members, recursively (what a merge patch can add).
    func removingNullMembers() -> JSONValue {
        guard case .object(let object) = self else { return self }
        var result = JSONObject()
        for member in object.storage where !member.value.isNull {
            result[member.key] = member.value.removingNullMembers()
        }
        return .object(result)
    }
}

extension JSONObject {
    /// Takes the value out for in-place mutation while leaving the member where it is (set back by the caller).
    mutating func removeValueKeepingPosition(_ key: String) -> JSONValue? {
        guard let position = position(of: key) else { return nil }
        let value = storage[position].value
        storage[position].value = .null
        return value
    }
}
