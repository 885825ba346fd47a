// ForeignKeyJoinStagePlan: how a stage of a foreign-key join split between processes is made, and the records between stages.
import RivuletCore
import RivuletExecution
import RivuletJoins
import RivuletManifest

/// One of the three joins a Kafka application splits a foreign-key table–table join into
/// (`Manifest.insertForeignKeyJoinStages`): its maker, given its dead-letter route, and its description.
enum ForeignKeyJoinStagePlan {
    case leftTable(make: (DeadLetterRoute) -> JoinOperator)
    case rightTable(make: (DeadLetterRoute) -> JoinOperator)
    case results(make: (DeadLetterRoute) -> JoinOperator)

    func make(_ route: DeadLetterRoute) -> JoinOperator {
        switch self {
        case .leftTable(let make), .rightTable(let make), .results(let make): make(route)
        }
    }

    /// What `describe` says of the stage.
    func describe(_ join: JoinSpec) -> String {
        let primaryKey = join.leftPrimaryKey ?? join.leftKey
        return switch self {
        case .leftTable: "the left table of a foreign-key join by \(primaryKey), subscribing each row to its \(join.leftKey)"
        case .rightTable: "the right table of a foreign-key join by \(join.rightKey), answering the rows subscribed to each key"
        case .results: "\(join.emit.rawValue) table–table join on \(join.leftKey) = \(join.rightKey) (foreign key), from the answers by \(primaryKey)"
        }
    }

    /// A subscription: the left row's key, the right key it points at (or no longer does), which, and the
    /// version of the change.
    static func subscriptionSchema(left: Schema, primaryKey: Int, foreignKey: Int) -> Schema {
        Schema([
            FieldDefinition(name: ForeignKeyStage.primaryKeyField, type: left.fields[primaryKey].type),
            FieldDefinition(name: ForeignKeyStage.foreignKeyField, type: left.fields[foreignKey].type),
            FieldDefinition(name: ForeignKeyStage.subscribedField, type: .bool),
            FieldDefinition(name: ForeignKeyStage.versionField, type: .i64),
        ])
    }

    /// A change the left-table stage took: the left fields, then its version.
    static func rowsSchema(left: Schema) -> Schema {
        var schema = left
        schema.append(FieldDefinition(name: ForeignKeyStage.versionField, type: .i64))
        return schema
    }

    /// An answer: the subscription's two keys, its version, the answer's number, whether the right row
    /// exists, then the right table's fields but its key and time field.
    static func answerSchema(subscriptions: Schema, right: Schema, rightKey: Int, rightTime: Int?) -> Schema {
        var schema = Schema([
            subscriptions.fields[0], subscriptions.fields[1], subscriptions.fields[3],
            FieldDefinition(name: ForeignKeyStage.answerField, type: .i64),
            FieldDefinition(name: ForeignKeyStage.presentField, type: .bool),
        ])
        for (i, f) in right.fields.enumerated() where i != rightKey && i != rightTime { schema.append(f) }
        return schema
    }
}
