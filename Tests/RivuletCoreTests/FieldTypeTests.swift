// FieldTypeTests: the engine's FieldType and the SDK's FieldKind both name rivulet.h's RV_TYPE_* codes.
import CRivulet
import RivuletCore
import RivuletPluginKit
import Testing

@Suite struct FieldTypeTests {
    /// The C ABI's codes, with the names manifests and messages use.
    static let codes: [(code: UInt32, name: String)] = [
        (RV_TYPE_NULL, "null"), (RV_TYPE_I64, "i64"), (RV_TYPE_F64, "f64"), (RV_TYPE_BOOL, "bool"),
        (RV_TYPE_STRING, "string"), (RV_TYPE_BYTES, "bytes"), (RV_TYPE_TIMESTAMP, "timestamp"),
    ]

    @Test func theEngineTypesAreTheABICodes() {
        #expect(FieldType.allCases.map(\.rawValue) == Self.codes.map(\.code))
        #expect(FieldType.allCases.map(\.description) == Self.codes.map(\.name))
        // A manifest declares every type but null, by name, in this order (messages list them so).
        #expect(FieldType.declarable == [.i64, .f64, .bool, .string, .bytes, .timestamp])
        #expect(FieldType.declarable.allSatisfy { FieldType(name: $0.description) == $0 })
        #expect(FieldType(name: "null") == nil && FieldType(name: "f65") == nil)
    }

    /// The SDK keeps its own enum (it depends on nothing of the engine); it must stay code for code.
    @Test func theSDKKindsAreTheSameCodes() {
        let kinds: [FieldKind] = [.null, .i64, .f64, .bool, .string, .bytes, .timestamp]
        #expect(kinds.map(\.rawValue) == Self.codes.map(\.code))
        #expect(FieldKind(rawValue: 7) == nil)
    }
}
