import LMOSCore
import LMOSDescription

/// A directory's registration information for one description (WoT Discovery 7.2.2.1, `registration`):
/// when it was created and last modified in the directory, and when it expires.
public struct RegistrationInfo: Sendable, Hashable {
    /// When the description was first registered.
    public var created: Timestamp
    /// When it was last created, replaced or patched.
    public var modified: Timestamp
    /// When the registration expires; nil for a registration without expiry.
    public var expires: Timestamp?
    /// The time-to-live in seconds from `modified` that computed `expires`, when the producer gave one (or the
    /// directory's maximum applied).
    public var ttl: Double?

    public init(created: Timestamp, modified: Timestamp, expires: Timestamp? = nil, ttl: Double? = nil) {
        self.created = created
        self.modified = modified
        self.expires = expires
        self.ttl = ttl
    }

    /// Whether the registration has run out at `now`.
    public func isExpired(at now: Timestamp) -> Bool {
        guard let expires else { return false }
        return expires <= now
    }

    /// The `registration` member of an Enriched TD, without `retrieved` (added when the description is read).
    public var json: JSONObject {
        var object: JSONObject = ["created": .string(created.rfc3339), "modified": .string(modified.rfc3339)]
        if let expires { object["expires"] = .string(expires.rfc3339) }
        if let ttl {
            object["ttl"] = ttl.rounded() == ttl && abs(ttl) < 9e15 ? .integer(Int64(ttl)) : .double(ttl)
        }
        return object
    }
}

/// What a producer asked for in the `registration` member it sent: a relative `ttl` or an absolute `expires`.
/// `created`, `modified` and `retrieved` are read-only and ignored (WoT Discovery 7.2.2.1).
struct RegistrationRequest: Sendable, Hashable {
    var ttl: Double?
    var expires: Timestamp?

    /// Reads and checks the member; errors name `/registration/...` fields.
    init(_ value: JSONValue?) throws(DirectoryError) {
        guard let value else { return }
        guard case .object(let object) = value else {
            throw .invalid([ValidationError(field: "/registration", description: "must be an object")])
        }
        var errors: [ValidationError] = []
        if let ttl = object["ttl"] {
            if let seconds = ttl.doubleValue, ttl.isNumber, seconds > 0, seconds.isFinite {
                self.ttl = seconds
            } else {
                errors.append(ValidationError(field: "/registration/ttl", description: "must be a number of seconds above 0"))
            }
        }
        for field in ["created", "modified", "retrieved", "expires"] {
            guard let member = object[field] else { continue }
            guard let text = member.stringValue, let timestamp = Timestamp(rfc3339: text) else {
                errors.append(ValidationError(field: "/registration/\(field)", description: "must be an RFC 3339 date-time"))
                continue
            }
            if field == "expires" { expires = timestamp }
        }
        if !errors.isEmpty { throw .invalid(errors) }
    }

    /// The registration after a write at `now`: `ttl` wins over `expires` (WoT Discovery: the server MUST ignore
    /// `expires` when `ttl` is present), and both are capped by `maximumTTL`; without either, `maximumTTL` applies
    /// when the directory has one.
    func registration(created: Timestamp, now: Timestamp, maximumTTL: Double?) throws(DirectoryError) -> RegistrationInfo {
        var info = RegistrationInfo(created: created, modified: now)
        if var ttl {
            if let maximumTTL { ttl = min(ttl, maximumTTL) }
            info.ttl = ttl
            info.expires = now.adding(seconds: ttl)
        } else if var expires {
            guard expires > now else {
                throw .invalid([ValidationError(field: "/registration/expires", description: "is not in the future")])
            }
            if let maximumTTL { expires = min(expires, now.adding(seconds: maximumTTL)) }
            info.expires = expires
        } else if let maximumTTL {
            info.ttl = maximumTTL
            info.expires = now.adding(seconds: maximumTTL)
        }
        return info
    }
}
