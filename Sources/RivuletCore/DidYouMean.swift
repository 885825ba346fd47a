// DidYouMean: the valid name closest to a mistyped one, for "unknown …" errors ("did you mean 'tumbling'?").

/// Finds the likely intended name among the valid ones: the smallest edit distance (insertions, deletions,
/// substitutions, and swaps of two neighbours — `tumbilng`), ignoring case, if small enough to be a typo
/// rather than a different name: at most a third of the longer name, and at least one (names shorter than
/// three letters: only a difference of case).
public enum DidYouMean {
    /// The closest candidate to `name`, or nil when none is close (or `name` is itself a candidate).
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        let typed = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let d = distance(typed, Array(candidate.lowercased()))
            // Names of one or two letters are all one edit apart: only a difference of case is a typo.
            if min(typed.count, candidate.count) < 3 && d > 0 { continue }
            let allowed = max(1, max(typed.count, candidate.count) / 3)
            if d <= allowed && d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// " (did you mean 'x'?)" after an error about `name`, or "" when no candidate is close.
    public static func hint(_ name: String, among candidates: some Sequence<String>) -> String {
        closest(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
