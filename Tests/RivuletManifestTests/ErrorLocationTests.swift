// ErrorLocationTests: every error is located where the problem is, never at 1:1 when its message names another place.
import Testing

@testable import RivuletManifest

@Suite struct ErrorLocationTests {
    @Test func aControlCharacterIsLocatedWhereItIs() {
        // Yams reports these as "reader" errors with an offset, which were all located at 1:1.
        #expect(
            ManifestCheck.errors("sources:\n  gen: { type: generator, count: 1 }\nname: ab\u{07}c\n") == [
                "3:9: invalid YAML: control characters are not allowed (U+7): remove it, or write it as an escape such as \"\\u0007\" in a double-quoted string"
            ])
        #expect(
            ManifestCheck.errors("# é ü\nname: \"é\u{01}\"\n") == [
                "2:9: invalid YAML: control characters are not allowed (U+1): remove it, or write it as an escape such as \"\\u0007\" in a double-quoted string"
            ])
        #expect(
            ManifestCheck.errors("a: 1\r\nb: \u{1B}\r\n") == [
                "2:4: invalid YAML: control characters are not allowed (U+1B): remove it, or write it as an escape such as \"\\u0007\" in a double-quoted string"
            ])
    }

    @Test func aControlCharacterInAnOverrideValueIsLocatedInIt() {
        let base = "sources: { g: { type: generator, count: 1 } }\nsinks: { o: { type: \"null\" } }\nedges: [g -> o]\n"
        #expect(
            ManifestCheck.errors(base, ["name=\"ab\u{07}\""]) == [
                "--set name:1:4: invalid YAML: control characters are not allowed (U+7): remove it, or write it as an escape such as \"\\u0007\" in a double-quoted string"
            ])
    }

    /// Syntax errors are located where the mistake is — a collection left open at the end of the line it
    /// opened on, a key without ':' on its own line, a quote never closed where it opens, a tab where it
    /// is — and others at the mark Yams gives, the context named separately.
    @Test(arguments: [
        ("a: [1, 2\nb: 3\n", "1:9: invalid YAML: the '[' opened at line 1, column 4 is not closed: add ']' here"),
        ("a: { b: 1 # note\n\nc: 3\n", "1:10: invalid YAML: the '{' opened at line 1, column 4 is not closed: add '}' here"),
        ("a: 'open\n", "1:4: invalid YAML: this quoted string is never closed: add its closing quote"),
        ("a: b\n\tc: d\n", "2:1: invalid YAML: tabs are not allowed for indentation: indent with spaces"),
        ("a:\n\tb: 1\n", "2:1: invalid YAML: tabs are not allowed for indentation: indent with spaces"),
        ("a: 1\nkey value\nb: 2\n", "2:1: invalid YAML: this line has no ':' after its key: write key: value (or - item in a list)"),
        ("a: *nope\n", "1:4: invalid YAML: found undefined alias"),
        ("a:\n  b: 1\n  c: [b, b]\n  b: 2\n", "4:3: invalid YAML: key 'b' written twice in the same mapping (first at line 2): remove one"),
        ("a: {b: 1, c: 2, b: 3}\n", "1:17: invalid YAML: key 'b' written twice in the same mapping (first at line 1): remove one"),
        ("a:\n  'b': 1\n  \"b\": 2\n", "2:3: invalid YAML: key 'b' written twice in the same mapping: remove one"),
    ])
    func syntaxErrorsAreLocated(_ yaml: String, _ expected: String) {
        #expect(ManifestCheck.errors(yaml) == [expected])
    }
}
