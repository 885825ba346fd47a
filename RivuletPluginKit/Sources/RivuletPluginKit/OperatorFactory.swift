// OperatorFactory: what an operator definition's user_data points to: the Swift type it stands for.

/// Remembers which Swift type an operator definition stands for (its `user_data`, retained for the life
/// of the process).
final class OperatorFactory {
    let type: any RivuletOperator.Type
    init(_ type: any RivuletOperator.Type) { self.type = type }
}
