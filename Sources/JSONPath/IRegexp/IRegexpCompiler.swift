/// One step of the automaton an I-Regexp compiles to.
enum Instruction: Sendable {
    /// Consume this scalar.
    case scalar(Unicode.Scalar)
    /// Consume a scalar of the class with this index.
    case characterClass(Int)
    /// Consume any scalar but `\n` and `\r`.
    case anyExceptNewline
    /// Continue at both targets.
    case split(Int, Int)
    case jump(Int)
    /// Continue only at the start of the string.
    case assertStart
    /// Continue only at the end of the string.
    case assertEnd
    case match
}

/// Compiles a ``RegexNode`` to a Thompson automaton (a list of ``Instruction``s), expanding counted repetitions.
/// The size is bounded by ``maximumSize`` so a pattern like `(a{1000}){1000}` is refused instead of exhausting memory.
struct IRegexpCompiler {
    static let maximumSize = 20_000

    var program: [Instruction] = []

    static func compile(_ node: RegexNode) throws(IRegexp.CompileError) -> [Instruction] {
        var compiler = IRegexpCompiler()
        try compiler.emit(node)
        _ = try compiler.append(.match)
        return compiler.program
    }

    mutating func append(_ instruction: Instruction) throws(IRegexp.CompileError) -> Int {
        guard program.count < IRegexpCompiler.maximumSize else {
            throw .tooLarge("it needs more than \(IRegexpCompiler.maximumSize) automaton states")
        }
        program.append(instruction)
        return program.count - 1
    }

    mutating func emit(_ node: RegexNode) throws(IRegexp.CompileError) {
        switch node {
        case .empty:
            break
        case .scalar(let scalar):
            _ = try append(.scalar(scalar))
        case .characterClass(let index):
            _ = try append(.characterClass(index))
        case .anyExceptNewline:
            _ = try append(.anyExceptNewline)
        case .start:
            _ = try append(.assertStart)
        case .end:
            _ = try append(.assertEnd)
        case .sequence(let nodes):
            for node in nodes { try emit(node) }
        case .alternation(let branches):
            var exits: [Int] = []
            for (number, branch) in branches.enumerated() {
                guard number < branches.count - 1 else {
                    try emit(branch)
                    break
                }
                let split = try append(.split(0, 0))
                try emit(branch)
                exits.append(try append(.jump(0)))
                program[split] = .split(split + 1, program.count)
            }
            for exit in exits { program[exit] = .jump(program.count) }
        case .repetition(let body, let min, let max):
            // Repeating something that compiles to nothing is nothing; skipping it also keeps `((){9999}){9999}`
            // from looping without emitting.
            guard !IRegexpCompiler.isEmpty(body) else { return }
            for _ in 0..<min { try emit(body) }
            if let max {
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(try append(.split(0, 0)))
                    try emit(body)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = try append(.split(0, 0))
                try emit(body)
                _ = try append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
    }

    /// Whether `node` compiles to no instructions at all.
    static func isEmpty(_ node: RegexNode) -> Bool {
        switch node {
        case .empty: return true
        case .sequence(let nodes): return nodes.allSatisfy(isEmpty)
        case .repetition(let body, _, _): return isEmpty(body)
        default: return false
        }
    }
}
