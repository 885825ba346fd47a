// NodeDeclaration: a node name as written under sources, operators or sinks, whether or not it decoded.

/// A node name with its role and location. Kept even when the node's definition has errors, so that
/// edges to it and duplicate names are still checked without cascading "no node named" errors.
struct NodeDeclaration: Sendable {
    /// The node's name (the section mapping's key).
    let name: String
    /// Which section declares it.
    let role: NodeRole
    /// Where the name is written.
    let location: SourceLocation
}
