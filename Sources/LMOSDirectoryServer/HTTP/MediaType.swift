/// The media types the directory reads and writes.
enum MediaType {
    static let thingDescription = "application/td+json"
    static let jsonLD = "application/ld+json"
    static let json = "application/json"
    static let cbor = "application/cbor"
    static let mergePatch = "application/merge-patch+json"
    static let problem = "application/problem+json"
    static let eventStream = "text/event-stream"

    /// The essence of a `Content-Type` value (`type/subtype`, lowercased, parameters dropped).
    static func essence(_ value: String) -> String {
        let end = value.firstIndex(of: ";") ?? value.endIndex
        return value[..<end].trimmingSpaces().lowercased()
    }

    /// Whether a `Content-Type` essence is a JSON serialization (`application/json`, `+json` suffixes).
    static func isJSON(_ essence: String) -> Bool {
        essence == json || essence.hasSuffix("+json")
    }
}

/// A body serialization the directory can answer with.
enum Representation: Sendable, Equatable {
    case json(String)
    case cbor

    var contentType: String {
        switch self {
        case .json(let type): return type
        case .cbor: return MediaType.cbor
        }
    }
}

/// Server-driven content negotiation (RFC 9110 12.5.1) over `Accept`: the best of the offered types by quality,
/// the first offered winning ties; nil when the client accepts none of them.
enum ContentNegotiation {
    static func choose(accept: String?, offers: [String]) -> String? {
        guard let accept, !accept.trimmingSpaces().isEmpty else { return offers.first }
        var best: (type: String, quality: Double, specificity: Int, rank: Int)?
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";")
            guard let first = parts.first else { continue }
            let mediaRange = String(first).trimmingSpaces().lowercased()
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                if pair.count == 2, String(pair[0]).trimmingSpaces().lowercased() == "q" {
                    quality = Double(String(pair[1]).trimmingSpaces()) ?? 0
                }
            }
            for (rank, offer) in offers.enumerated() {
                let specificity: Int
                if mediaRange == offer {
                    specificity = 3
                } else if mediaRange == "*/*" {
                    specificity = 1
                } else if mediaRange.hasSuffix("/*"), offer.hasPrefix(mediaRange.dropLast()) {
                    specificity = 2
                } else {
                    continue
                }
                // A more specific range decides the quality of an offer; among offers, the higher quality wins.
                if let current = best, current.type == offer, current.specificity >= specificity { continue }
                if let current = best, current.type != offer {
                    if quality < current.quality || (quality == current.quality && rank >= current.rank) { continue }
                }
                best = (offer, quality, specificity, rank)
            }
        }
        guard let best, best.quality > 0 else { return nil }
        return best.type
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
