// OperatorInfo: a Swift copy of what a plugin's descriptor says about one operator.
import CRivulet

/// One configuration key an operator accepts.
public struct ConfigKeyInfo: Sendable, Equatable {
    public let name: String
    public let description: String
    public let type: UInt32
    public let required: Bool
}

/// What a plugin declares about an operator: its name, ports and configuration keys. `definition` points
/// into the loaded library (valid while the library is loaded), copied to a host-owned, zero-padded
/// rv_operator_def so slots a plugin's older struct lacks read as NULL.
public struct OperatorInfo: @unchecked Sendable {
    public let name: String
    public let description: String
    public let inputs: [String]
    public let outputs: [String]
    public let configKeys: [ConfigKeyInfo]
    public let flags: UInt32
    public let definition: UnsafePointer<rv_operator_def>
}

/// What a plugin declares about an aggregate.
public struct AggregateInfo: @unchecked Sendable {
    public let name: String
    public let description: String
    public let accumulatorSize: Int
    public let definition: UnsafePointer<rv_aggregate_def>
}

/// What a plugin declares about a scalar function.
public struct FunctionInfo: @unchecked Sendable {
    public let name: String
    public let description: String
    public let argTypes: [UInt32]
    public let resultType: UInt32
    public let definition: UnsafePointer<rv_function_def>
}
