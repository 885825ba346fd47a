// ScaleOperatorTests: rv_std_c's `scale` (field × multiply + add) on real topologies, with exact outputs and create errors.
import Foundation
import RivuletRuntime
import RivuletTestSupport
import Testing

@Suite struct ScaleOperatorTests {
    /// i64 and f64 values, NULLs (empty cells) and i64 overflow at both ends.
    static let readings = """
        n,x,label
        1,1.5,a
        ,2.0,b
        -4,,c
        9223372036854775807,0.25,d
        -9223372036854775808,-8.0,e

        """

    static func manifest(_ operators: String, edges: String) -> String {
        """
        plugins:
          c: { library: rv_std_c }
        sources:
          readings:
            type: file
            path: readings.csv
            schema: { n: i64, x: f64, label: string }
        operators:
        \(operators)
        sinks:
          out: { type: file, path: out.csv }
        edges:
        \(edges)
        """
    }

    @Test func scalesI64AndF64FieldsAndPassesNullsUnchanged() throws {
        let t = TopologyRunner()
        t.write("readings.csv", Self.readings)
        let summary = try t.run(
            Self.manifest(
                """
                  ints: { plugin: c, operator: scale, config: { field: n, multiply: 3, add: -2 } }
                  floats: { plugin: c, operator: scale, config: { field: x, multiply: 0.5, add: 1 } }
                """,
                edges: """
                      - readings -> ints
                      - ints -> floats
                      - floats -> out
                    """))
        // i64 arithmetic wraps: (2^63 − 1)·3 − 2 and (−2^63)·3 − 2, modulo 2^64.
        #expect(
            t.read("out.csv") == """
                n,x,label
                1,1.75,a
                ,2.0,b
                -14,,c
                9223372036854775803,1.125,d
                9223372036854775806,-3.0,e

                """)
        #expect(summary.recordsIn == 5)
        #expect(summary.recordsOut == 5)
        #expect(summary.deadLetters == 0)
    }

    @Test func multiplyDefaultsToOneAndAddToZero() throws {
        let t = TopologyRunner()
        t.write("readings.csv", Self.readings)
        _ = try t.run(
            Self.manifest(
                """
                  same: { plugin: c, operator: scale, config: { field: n } }
                  shifted: { plugin: c, operator: scale, config: { field: x, add: 10 } }
                """,
                edges: """
                      - readings -> same
                      - same -> shifted
                      - shifted -> out
                    """))
        #expect(
            t.read("out.csv") == """
                n,x,label
                1,11.5,a
                ,12.0,b
                -4,,c
                9223372036854775807,10.25,d
                -9223372036854775808,2.0,e

                """)
    }

    /// Plans `config` on the readings and returns the planning error's text (nil when planning succeeded).
    func createError(_ config: String) -> String? {
        let t = TopologyRunner()
        t.write("readings.csv", Self.readings)
        do {
            _ = try t.plan(
                Self.manifest(
                    "  s: { plugin: c, operator: scale, config: \(config) }",
                    edges: """
                          - readings -> s
                          - s -> out
                        """))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aMissingOrNonNumericFieldIsACreateErrorNamingIt() throws {
        let missing = try #require(createError("{ field: weight, multiply: 2 }"))
        #expect(missing.contains("s: create returned RV_FATAL: scale: no input field 'weight' (config 'field')"), "\(missing)")
        let text = try #require(createError("{ field: label }"))
        #expect(text.contains("s: create returned RV_FATAL: scale: field 'label' is not numeric: scale needs an i64 or f64 field"), "\(text)")
    }

    @Test func factorsMustFitTheFieldsType() throws {
        let fraction = try #require(createError("{ field: n, multiply: 1.5 }"))
        #expect(fraction.contains("scale: config 'multiply' must be an integer for the i64 field 'n' (got '1.5')"), "\(fraction)")
        let word = try #require(createError("{ field: x, add: ten }"))
        // Not a number at all: the planner refuses it against the declared type, at its line.
        #expect(word.contains("9:61: error: operator 's' (scale): config 'add' must be a number (f64), got 'ten'"), "\(word)")
        let absent = try #require(createError("{ multiply: 2 }"))
        #expect(absent.contains("operator 'scale' requires config key 'field'"), "\(absent)")
    }
}
