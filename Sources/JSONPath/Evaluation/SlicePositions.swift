/// The positions an array slice selector `start:end:step` selects from an array of `count` elements, in order
/// (RFC 9535 section 2.3.4.2.2): defaults by the sign of `step`, negative bounds counted from the end, bounds
/// clamped, nothing for a step of 0.
struct SlicePositions: Sequence, IteratorProtocol {
    private var position: Int64
    private let limit: Int64
    private let step: Int64

    init(start: Int64?, end: Int64?, step: Int64?, count: Int) {
        let length = Int64(count)
        let step = step ?? 1
        self.step = step
        func normalize(_ index: Int64) -> Int64 { index >= 0 ? index : length + index }
        func clamp(_ index: Int64, _ lowest: Int64, _ highest: Int64) -> Int64 {
            Swift.min(Swift.max(index, lowest), highest)
        }
        if step > 0 {
            position = clamp(normalize(start ?? 0), 0, length)  // lower
            limit = clamp(normalize(end ?? length), 0, length)  // upper
        } else if step < 0 {
            position = clamp(normalize(start ?? length - 1), -1, length - 1)  // upper
            limit = clamp(normalize(end ?? -length - 1), -1, length - 1)  // lower
        } else {
            position = 0
            limit = 0
        }
    }

    mutating func next() -> Int? {
        guard step > 0 ? position < limit : step < 0 && limit < position else { return nil }
        defer { position += step }
        return Int(position)
    }
}
