/// Who asks for a change, as the HTTP layer established it. Descriptions owned by a DID (PROTOCOL.md 3) can be
/// replaced with a description signed by that DID; deleting one needs the owner itself or an administrator.
public enum Requester: Sendable, Hashable {
    /// Nobody in particular (no credentials).
    case anonymous
    /// An authenticated subject: a DID or an OAuth `sub`.
    case subject(String)
    /// An administrator (an OAuth token with scope `lmos:admin`): may change any description.
    case administrator

    /// The subject a new registration by this requester belongs to when it carries no proof (PROTOCOL.md 3: the
    /// token's `sub`).
    var subject: String? {
        if case .subject(let subject) = self { return subject }
        return nil
    }

    func mayChange(ownedBy owner: String) -> Bool {
        switch self {
        case .anonymous: return false
        case .subject(let subject): return subject == owner
        case .administrator: return true
        }
    }
}
