// ForeignKeyStage: the three stages a Kafka application splits a foreign-key table–table join into.

/// A foreign-key table–table join (`left_pk` other than `left_key`) of a Kafka application runs in three
/// stages, each split by key between processes through its own repartition and changelog topics (Kafka
/// Streams' subscription and response topics, KIP-213): the join `j` itself gives its results; two
/// operators are added before it (`Manifest.insertForeignKeyJoinStages`, `docs/KAFKA.md`).
public enum ForeignKeyStage: String, Sendable, Hashable {
    /// `<j>-fk-left`, keyed by the left key: reads the left table, writes which right key each row points
    /// at (`out`) and the changes it takes, numbered (`rows`).
    case leftTable
    /// `<j>-fk-right`, keyed by the right key: reads those subscriptions and the right table, answers each
    /// left key with its right row.
    case rightTable
    /// `j`, keyed by the left key: reads those changes and the answers, emits the joined changelog.
    case results

    /// The fields of a subscription (the left-table stage's output) and of an answer (the right-table
    /// stage's: then the right table's fields but its key and time field).
    public static let primaryKeyField = "rivulet_pk"
    public static let foreignKeyField = "rivulet_fk"
    public static let subscribedField = "rivulet_subscribed"
    /// A left change's number among its key's changes (1, 2, …), on subscriptions, answers and the rows
    /// the left-table stage passes on; an answer's number among its subscription's answers.
    public static let versionField = "rivulet_version"
    public static let answerField = "rivulet_answer"
    /// On an answer: whether the right key has a row.
    public static let presentField = "rivulet_present"

    /// The name of the node of stage `stage` of join `join`.
    public static func node(_ stage: ForeignKeyStage, of join: String) -> String {
        switch stage {
        case .leftTable: "\(join)-fk-left"
        case .rightTable: "\(join)-fk-right"
        case .results: join
        }
    }
}
