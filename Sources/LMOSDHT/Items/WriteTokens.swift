import Crypto
import KRPC

/// Write tokens (BEP 5): a node hands out a token with `get_peers` / `get` answers and accepts `announce_peer` /
/// `put` only with a token it gave to the same IP address within the last two secret periods. The token is a
/// keyed hash of the address under a secret that changes every `rotation` seconds.
public struct WriteTokens: Sendable {
    public var rotation: Double
    private var current: [UInt8]
    private var previous: [UInt8]
    private var rotatedAt: Double

    public init(rotation: Double = 300, now: Double) {
        self.rotation = rotation
        current = WriteTokens.secret()
        previous = WriteTokens.secret()
        rotatedAt = now
    }

    private static func secret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Changes the secret when a period has passed.
    public mutating func rotateIfDue(now: Double) {
        guard now - rotatedAt >= rotation else { return }
        previous = now - rotatedAt >= 2 * rotation ? WriteTokens.secret() : current
        current = WriteTokens.secret()
        rotatedAt = now
    }

    /// The token for a requester's IP address.
    public func token(for address: UInt32) -> [UInt8] { WriteTokens.token(address: address, secret: current) }

    /// Whether `token` was given to `address` under the current or the previous secret.
    public func isValid(_ token: [UInt8], for address: UInt32) -> Bool {
        token == WriteTokens.token(address: address, secret: current)
            || token == WriteTokens.token(address: address, secret: previous)
    }

    private static func token(address: UInt32, secret: [UInt8]) -> [UInt8] {
        var key = SymmetricKey(data: secret)
        defer { key = SymmetricKey(size: .bits128) }
        let addressBytes = [
            UInt8(truncatingIfNeeded: address >> 24), UInt8(truncatingIfNeeded: address >> 16),
            UInt8(truncatingIfNeeded: address >> 8), UInt8(truncatingIfNeeded: address),
        ]
        return Array(HMAC<SHA256>.authenticationCode(for: addressBytes, using: key).prefix(8))
    }
}
