// InstanceBox: one live operator instance as the host holds it: the Swift operator and its context.

/// What `create` hands the host as the instance pointer (retained until `destroy`).
final class InstanceBox {
    let op: any RivuletOperator
    let context: OperatorContext
    init(op: any RivuletOperator, context: OperatorContext) {
        self.op = op
        self.context = context
    }
}
