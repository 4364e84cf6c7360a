/// Who asks for a change, as the HTTP layer established it. Descriptions owned by a DID (PROTOCOL.md 3) can be
/// replaced with a description signed by that DID; deleting one needs the owner itself or an administrator.
public enum Requester: Sendable, Hashable {
    /// Nobody in particular (no credentials: a directory without authentication).
    case anonymous
    /// An authenticated subject: a DID or an OAuth `sub`.
    case subject(String)
    /// An administrator (an OAuth token with scope `lmos:admin`): may change any description; what it registers
    /// belongs to its subject.
    case administrator(subject: String?)

    /// The subject a new registration by this requester belongs to when it carries no proof (PROTOCOL.md 3: the
    /// token's `sub`).
    var subject: String? {
        switch self {
        case .anonymous: return nil
        case .subject(let subject): return subject
        case .administrator(let subject): return subject
        }
    }

    func mayChange(ownedBy owner: String) -> Bool {
        switch self {
        case .anonymous: return false
        case .subject(let subject): return subject == owner
        case .administrator: return true
        }
    }

    /// Whether this requester may change a description that has no owner (registered anonymously, before
    /// authentication was turned on): anyone in a directory without authentication, only an administrator in one
    /// with it (an authenticated subject must not take over what it did not register).
    var mayChangeUnowned: Bool {
        if case .subject = self { return false }
        return true
    }
}
