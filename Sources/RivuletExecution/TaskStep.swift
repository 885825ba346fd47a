// TaskStep: one thing a task finishes at the end of its input: an operator instance, or an edge leaving the task.
import RivuletCore

/// A task finishes its steps in topological order: each operator instance it runs, followed by the edges
/// to other tasks its outputs feed (which then carry the end of the stream).
public enum TaskStep {
    case finish(StreamOperator)
    case endStream(Edge)

    public var name: String {
        switch self {
        case .finish(let op): op.name
        case .endStream(let edge): edge.name
        }
    }
}
