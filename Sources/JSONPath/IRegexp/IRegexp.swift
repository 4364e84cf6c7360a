/// A compiled I-Regexp (RFC 9485): the patterns of the JSONPath `match()` and `search()` functions (RFC 9535
/// sections 2.4.6 and 2.4.7).
///
/// The pattern is checked against the I-Regexp ABNF (anything else is "not a string conforming to I-Regexp", which
/// makes the functions LogicalFalse) and compiled to a Thompson automaton that is run over the Unicode scalars of the
/// string by tracking the set of live states. Matching takes time proportional to the string length times the
/// automaton size, never exponential: the pattern comes from the network, and a backtracking engine (such as the
/// standard library's `Regex`, measured at 0.5 s for `(a*)*c` against 20 `a`s, doubling with each `a`) would let one
/// query pin a core. RFC 9485 section 8 asks implementations to be robust in exactly this way.
struct IRegexp: Sendable {
    enum CompileError: Error {
        /// Not an I-Regexp.
        case invalid
        /// An I-Regexp too large to match in bounded time and memory.
        case tooLarge(String)
    }

    /// The longest pattern compiled, in Unicode scalars.
    static let maximumPatternLength = 65_536

    let program: [Instruction]
    let classes: [CharacterClass]

    static func compile(_ pattern: String) -> Result<IRegexp, CompileError> {
        do throws(CompileError) {
            var parser = IRegexpParser(pattern)
            guard parser.scalars.count <= maximumPatternLength else {
                throw .tooLarge("longer than \(maximumPatternLength) characters")
            }
            let node = try parser.parse()
            return .success(IRegexp(program: try IRegexpCompiler.compile(node), classes: parser.classes))
        } catch {
            return .failure(error)
        }
    }

    /// Whether the whole of `string` matches (`entirely`, for `match()`) or some substring does (for `search()`).
    /// Charges `budget` for each scalar by the number of live states.
    func matches(_ string: String, entirely: Bool, budget: inout WorkBudget) throws(JSONPathError) -> Bool {
        var run = AutomatonRun(self)
        let scalars = string.unicodeScalars
        var index = scalars.startIndex
        run.add(0, toNext: false, atStart: true, atEnd: index == scalars.endIndex)
        while true {
            if run.matched, !entirely || index == scalars.endIndex { return true }
            if index == scalars.endIndex || run.current.isEmpty { return false }
            try budget.charge(run.current.count + 1)
            let scalar = scalars[index]
            scalars.formIndex(after: &index)
            run.step(over: scalar, atEnd: index == scalars.endIndex)
            if !entirely { run.add(0, toNext: false, atStart: false, atEnd: index == scalars.endIndex) }
        }
    }
}

/// The state of one match: the sets of live automaton states before and after the current scalar.
struct AutomatonRun {
    let program: [Instruction]
    let classes: [CharacterClass]
    var current: StateSet
    var next: StateSet
    /// Whether the last set built reached `match`.
    var matched = false
    /// Scratch stack for following jumps and splits without recursion.
    var pending: [Int] = []

    init(_ regexp: IRegexp) {
        program = regexp.program
        classes = regexp.classes
        current = StateSet(capacity: regexp.program.count)
        next = StateSet(capacity: regexp.program.count)
    }

    /// Adds `start` and every state reachable from it without consuming a scalar to the current or the next set.
    mutating func add(_ start: Int, toNext: Bool, atStart: Bool, atEnd: Bool) {
        pending.append(start)
        while let state = pending.popLast() {
            let inserted = toNext ? next.insert(state) : current.insert(state)
            guard inserted else { continue }
            switch program[state] {
            case .jump(let target):
                pending.append(target)
            case .split(let first, let second):
                pending.append(second)
                pending.append(first)
            case .assertStart:
                if atStart { pending.append(state + 1) }
            case .assertEnd:
                if atEnd { pending.append(state + 1) }
            case .match:
                matched = true
            case .scalar, .characterClass, .anyExceptNewline:
                break
            }
        }
    }

    /// Moves every live state over `scalar`.
    mutating func step(over scalar: Unicode.Scalar, atEnd: Bool) {
        next.removeAll()
        matched = false
        for state in current.states {
            let accepts: Bool
            switch program[state] {
            case .scalar(let expected): accepts = scalar == expected
            case .characterClass(let index): accepts = classes[index].contains(scalar)
            case .anyExceptNewline: accepts = scalar != "\n" && scalar != "\r"
            default: accepts = false
            }
            if accepts { add(state + 1, toNext: true, atStart: false, atEnd: atEnd) }
        }
        swap(&current, &next)
    }
}

/// A set of automaton states with constant-time insert, membership and clearing (a sparse set), iterated in
/// insertion order.
struct StateSet {
    private(set) var states: [Int] = []
    private var slot: [Int]

    init(capacity: Int) {
        slot = Array(repeating: 0, count: capacity)
        states.reserveCapacity(capacity)
    }

    var count: Int { states.count }
    var isEmpty: Bool { states.isEmpty }

    /// Inserts `state`; `false` if it was already there.
    mutating func insert(_ state: Int) -> Bool {
        let position = slot[state]
        if position < states.count, states[position] == state { return false }
        slot[state] = states.count
        states.append(state)
        return true
    }

    mutating func removeAll() { states.removeAll(keepingCapacity: true) }
}
