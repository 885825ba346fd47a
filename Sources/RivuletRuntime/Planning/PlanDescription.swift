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

    /// A Graphviz graph: one cluster per task, solid edges for fused calls, bold edges for rings.
    public func describeDot() -> String {
        var out = "digraph \"\(manifest.name)\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
        for task in tasks {
            out += "  subgraph cluster_\(task.id) {\n    label=\"task \(task.id)\";\n    style=dashed;\n"
            for node in nodes {
                for (i, t) in node.taskIDs.enumerated() where t == task.id {
                    let id = node.parallelism > 1 ? "\(node.name)#\(i)" : node.name
                    let shape = node.role == .source ? "cds" : node.role == .sink ? "folder" : "box"
                    out += "    \"\(id)\" [shape=\(shape), label=\"\(id)\\n\(node.kind)\"];\n"
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
                    let fused = from.taskIDs == to.taskIDs && from.parallelism == 1 && to.parallelism == 1
                    out += "  \"\(a)\" -> \"\(b)\" [label=\"\(edge.from.port)→\(edge.to.port)\"\(fused ? "" : ", style=bold, color=blue")];\n"
                }
            }
        }
        return out + "}\n"
    }
}
