// PlanDescription: renders a plan for people (text) or Graphviz (dot): tasks, chains, rings and ports.
import RivuletCore
import RivuletExecution

extension ExecutionPlan {
    /// Tasks with their fused chains, the rings between tasks, and every node's ports and schemas.
    public func describeText() -> String {
        var out = "topology \(manifest.name): \(nodes.count) nodes, \(tasks.count) tasks (threads), \(rings.count) rings\n"
        out += "\ntasks:\n"
        for task in tasks {
            let head: String
            switch task.head {
            case .source(let source): head = "source \(source.source.name) (batches of \(source.batchSize))"
            case .inputs(let gate): head = "\(gate.channels.count) input ring(s)"
            }
            let chain = task.steps.map(\.name).joined(separator: " → ")
            out += "  task \(task.id) [\(task.name)]: \(head)\(chain.isEmpty ? "" : " → \(chain)")\n"
        }
        if !rings.isEmpty {
            out += "\nrings (SPSC, capacity in batches):\n"
            for ring in rings { out += "  \(ring.edge.name)  [\(ring.capacity)]\n" }
        }
        out += "\nnodes:\n"
        for node in nodes {
            out += "  \(node.name): \(node.role.rawValue), \(node.kind)"
            out += node.parallelism > 1 ? ", parallelism \(node.parallelism), tasks \(node.taskIDs)\n" : ", task \(node.taskIDs.first ?? -1)\n"
            for port in node.inputPorts {
                out += "    in  \(port): \(node.inputSchemas[port].map(\.description) ?? "(not connected)")\n"
            }
            for port in node.outputPorts {
                out += "    out \(port): \(node.outputSchemas[port].map(\.description) ?? "")\n"
            }
        }
        if !manifest.internalTopics.isEmpty {
            out += "\ninternal topics (created with the input topics' partition count):\n"
            for topic in manifest.internalTopics {
                let what: String
                switch (topic.role, topic.store) {
                case (.repartition, _):
                    what =
                        "repartition of '\(topic.operatorName)' (written by \(topic.writers.isEmpty ? "?" : topic.writers.joined(separator: " and ")), read by \(topic.reader ?? "?"))"
                case (.changelog, let store?): what = "changelog of store '\(store)' of '\(topic.operatorName)' (partition p: input partition p)"
                case (.changelog, nil): what = "changelog of '\(topic.operatorName)' (partition p: key group p)"
                }
                out += "  \(topic.name): \(what)\n"
            }
        }
        return out
    }

    /// A Graphviz graph: one cluster per task, labels wrapped to fit their boxes, an edge style per way records
    /// cross (fused, ring, partitioned) and a legend saying which is which.
    public func describeDot() -> String {
        var out = "digraph \"\(Self.dotEscaped(manifest.name))\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=10];\n"
        for task in tasks {
            out += "  subgraph cluster_\(task.id) {\n    label=\"task \(task.id)\";\n    style=dashed;\n"
            for node in nodes {
                for (i, t) in node.taskIDs.enumerated() where t == task.id {
                    let id = node.parallelism > 1 ? "\(node.name)#\(i)" : node.name
                    let shape = node.role == .source ? "cds" : node.role == .sink ? "folder" : "box"
                    let label = ([id] + Self.wrapped(node.kind, width: 32)).map(Self.dotEscaped).joined(separator: "\\n")
                    out += "    \"\(Self.dotEscaped(id))\" [shape=\(shape), label=\"\(label)\"];\n"
                }
            }
            out += "  }\n"
        }
        for edge in manifest.edges {
            guard let from = nodesByName[edge.from.node], let to = nodesByName[edge.to.node] else { continue }
            for u in 0..<from.parallelism {
                for d in 0..<to.parallelism {
                    let a = from.parallelism > 1 ? "\(from.name)#\(u)" : from.name
                    let b = to.parallelism > 1 ? "\(to.name)#\(d)" : to.name
                    let kind: DotEdge =
                        from.taskIDs == to.taskIDs && from.parallelism == 1 && to.parallelism == 1
                        ? .fused : to.parallelism > 1 ? .partitioned : .ring
                    out += "  \"\(Self.dotEscaped(a))\" -> \"\(Self.dotEscaped(b))\" [label=\"\(edge.from.port)→\(edge.to.port)\"\(kind.style)];\n"
                }
            }
        }
        // What the edge styles mean.
        out += "  subgraph cluster_legend {\n    label=\"edges\";\n    style=solid;\n    node [shape=plaintext, fontsize=10];\n"
        for kind in DotEdge.allCases {
            out += "    \"legend_\(kind)\" [label=\"\"];\n    \"legend_\(kind)_to\" [label=\"\(kind.meaning)\"];\n"
            out += "    \"legend_\(kind)\" -> \"legend_\(kind)_to\" [label=\"\"\(kind.style)];\n"
        }
        out += "  }\n"
        return out + "}\n"
    }

    /// How records cross an edge of `describe --format dot`.
    enum DotEdge: CaseIterable {
        /// Both ends in one task: a function call, no queue.
        case fused
        /// Between tasks: a ring buffer.
        case ring
        /// Into a parallel operator: each record goes to the instance owning its key (a ring per pair).
        case partitioned

        var style: String {
            switch self {
            case .fused: ""
            case .ring: ", style=bold, color=blue"
            case .partitioned: ", style=\"bold,dashed\", color=purple"
            }
        }

        var meaning: String {
            switch self {
            case .fused: "same task: a function call"
            case .ring: "between tasks: a ring buffer"
            case .partitioned: "by key to a parallel operator: a ring per instance pair"
            }
        }
    }

    /// `text` in lines of at most `width` characters, broken at spaces (a longer word keeps its line).
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Text inside a quoted DOT string: quotes and backslashes escaped.
    static func dotEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
