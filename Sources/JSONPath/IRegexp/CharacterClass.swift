/// A set of Unicode scalars from an I-Regexp (RFC 9485 section 3): a bracketed `charClassExpr` such as `[^a-z\p{Nd}]`,
/// or a lone `\p{..}` / `\P{..}` escape.
struct CharacterClass: Sendable {
    /// One member of a class: a range of scalars, or a Unicode general category test (`\p{Lu}`, or `\P{L}` negated).
    enum Item: Sendable {
        case range(ClosedRange<UInt32>)
        case categories(UnicodeCategories, negated: Bool)
    }

    /// `[^...]`: the class matches scalars that no item matches.
    var negated: Bool
    var items: [Item]

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var found = false
        for item in items {
            switch item {
            case .range(let range):
                found = range.contains(scalar.value)
            case .categories(let categories, let negated):
                found = categories.contains(scalar.properties.generalCategory) != negated
            }
            if found { break }
        }
        return found != negated
    }
}

/// A set of Unicode general categories, as a bit set.
struct UnicodeCategories: Sendable {
    var bits: UInt64

    func contains(_ category: Unicode.GeneralCategory) -> Bool {
        bits & (1 << UnicodeCategories.bit(category)) != 0
    }

    /// The categories an I-Regexp `IsCategory` names (`L`, `Lu`, ..., `Co`), or `nil` for any other name.
    init?(name: String) {
        let letters: [Unicode.GeneralCategory] = [
            .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
        ]
        let marks: [Unicode.GeneralCategory] = [.nonspacingMark, .spacingMark, .enclosingMark]
        let numbers: [Unicode.GeneralCategory] = [.decimalNumber, .letterNumber, .otherNumber]
        let punctuation: [Unicode.GeneralCategory] = [
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation,
        ]
        let separators: [Unicode.GeneralCategory] = [.spaceSeparator, .lineSeparator, .paragraphSeparator]
        let symbols: [Unicode.GeneralCategory] = [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]
        let others: [Unicode.GeneralCategory] = [.control, .format, .unassigned, .privateUse, .surrogate]
        let table: [String: [Unicode.GeneralCategory]] = [
            "L": letters, "Lu": [.uppercaseLetter], "Ll": [.lowercaseLetter], "Lt": [.titlecaseLetter],
            "Lm": [.modifierLetter], "Lo": [.otherLetter],
            "M": marks, "Mn": [.nonspacingMark], "Mc": [.spacingMark], "Me": [.enclosingMark],
            "N": numbers, "Nd": [.decimalNumber], "Nl": [.letterNumber], "No": [.otherNumber],
            "P": punctuation, "Pc": [.connectorPunctuation], "Pd": [.dashPunctuation], "Ps": [.openPunctuation],
            "Pe": [.closePunctuation], "Pi": [.initialPunctuation], "Pf": [.finalPunctuation],
            "Po": [.otherPunctuation],
            "Z": separators, "Zs": [.spaceSeparator], "Zl": [.lineSeparator], "Zp": [.paragraphSeparator],
            "S": symbols, "Sm": [.mathSymbol], "Sc": [.currencySymbol], "Sk": [.modifierSymbol],
            "So": [.otherSymbol],
            // `Others = "C" [ "c" / "f" / "n" / "o" ]`: no `Cs` (a string holds no surrogates anyway).
            "C": others, "Cc": [.control], "Cf": [.format], "Cn": [.unassigned], "Co": [.privateUse],
        ]
        guard let categories = table[name] else { return nil }
        bits = categories.reduce(0) { $0 | 1 << UnicodeCategories.bit($1) }
    }

    static func bit(_ category: Unicode.GeneralCategory) -> UInt64 {
        switch category {
        case .uppercaseLetter: return 0
        case .lowercaseLetter: return 1
        case .titlecaseLetter: return 2
        case .modifierLetter: return 3
        case .otherLetter: return 4
        case .nonspacingMark: return 5
        case .spacingMark: return 6
        case .enclosingMark: return 7
        case .decimalNumber: return 8
        case .letterNumber: return 9
        case .otherNumber: return 10
        case .connectorPunctuation: return 11
        case .dashPunctuation: return 12
        case .openPunctuation: return 13
        case .closePunctuation: return 14
        case .initialPunctuation: return 15
        case .finalPunctuation: return 16
        case .otherPunctuation: return 17
        case .mathSymbol: return 18
        case .currencySymbol: return 19
        case .modifierSymbol: return 20
        case .otherSymbol: return 21
        case .spaceSeparator: return 22
        case .lineSeparator: return 23
        case .paragraphSeparator: return 24
        case .control: return 25
        case .format: return 26
        case .surrogate: return 27
        case .privateUse: return 28
        case .unassigned: return 29
        @unknown default: return 29  // a future category: treat as not yet assigned (`Cn`)
        }
    }
}
