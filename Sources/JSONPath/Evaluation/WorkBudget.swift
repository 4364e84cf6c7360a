/// A bound on the work of one evaluation, so that a hostile query (`$..*..*..*..*` multiplies the nodelist by the
/// document depth at each segment; nested filters multiply by the document size) cannot run for minutes. One unit is
/// one node selected or visited, one filter test, or one automaton state stepped over one scalar in `match()` or
/// `search()`.
struct WorkBudget {
    let limit: Int
    private(set) var used = 0

    init(limit: Int) { self.limit = limit }

    mutating func charge(_ units: Int) throws(JSONPathError) {
        used += units
        if used > limit {
            throw JSONPathError(
                .limitExceeded, at: nil, "evaluation needed more than \(limit) steps",
                hint: "narrow the query (fewer '..' segments or nested filters) or query a smaller document")
        }
    }
}
