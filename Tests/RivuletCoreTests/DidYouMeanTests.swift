// DidYouMeanTests: the closest valid name to a mistyped one, and none for a different name.
import RivuletCore
import Testing

@Suite struct DidYouMeanTests {
    @Test func aTypoFindsTheIntendedNameAndADifferentNameFindsNone() {
        let windows = ["tumbling", "hopping", "sliding", "session"]
        #expect(DidYouMean.closest(to: "tumbilng", among: windows) == "tumbling")  // two letters swapped
        #expect(DidYouMean.closest(to: "Tumbling", among: windows) == "tumbling")
        #expect(DidYouMean.closest(to: "sesion", among: windows) == "session")
        #expect(DidYouMean.closest(to: "rolling", among: windows) == nil)
        #expect(DidYouMean.closest(to: "kep", among: ["field", "keep", "luhn"]) == "keep")
        #expect(DidYouMean.closest(to: "a", among: ["o", "b"]) == nil)
        #expect(DidYouMean.hint("typ", among: ["type", "path"]) == "; did you mean 'type'?")
        #expect(DidYouMean.hint("colour", among: ["type", "path"]) == "")
    }
}
