// DeclaredShape: a source's declared fields, standing in for it while a benchmark's generator replaces it.
import RivuletCore
import RivuletExecution

/// Reads nothing (the file need not exist): planning only needs the schema the manifest declares.
final class DeclaredShape: RecordSource {
    let name: String
    let schema: Schema

    init(name: String, schema: Schema) {
        self.name = name
        self.schema = schema
    }

    func fill(_ batch: RecordBatch, deadLetters: DeadLetterRoute) throws -> Bool { false }
    func close() {}
}
