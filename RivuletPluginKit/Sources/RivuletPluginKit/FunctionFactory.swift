// FunctionFactory: what a Swift function definition's user_data points to: the Swift type it stands for.

/// What a Swift function's definition's `user_data` points to (retained for the life of the process).
final class FunctionFactory {
    let type: any RivuletFunction.Type
    init(_ type: any RivuletFunction.Type) { self.type = type }
}
