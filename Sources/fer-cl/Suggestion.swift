/// "Did you mean": the closest of a few known words to a misspelled one, by edit distance
/// (insertions, deletions, substitutions and swaps of neighbours each cost 1), when it is
/// close enough to be a slip rather than another word: at most 1 edit for words of up to
/// 4 letters, 2 up to 8, 3 beyond.
enum Suggestion {
    static func closest(to word: String, among candidates: [String]) -> String? {
        let allowed = word.count <= 4 ? 1 : word.count <= 8 ? 2 : 3
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= allowed else {
            // A unique prefix is a suggestion too ("--val-sub" for "--val-subset").
            let prefixed = candidates.filter { $0.hasPrefix(word) }
            return word.count >= 3 && prefixed.count == 1 ? prefixed[0] : nil
        }
        return best.0
    }

    /// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
