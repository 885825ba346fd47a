// ManifestCheck: helpers the manifest tests share: parsing text, and errors as "line:column: message".
@testable import RivuletManifest

/// Parses manifest text as if it were `/data/jobs/m.yaml`, and renders errors compactly for exact asserts.
enum ManifestCheck {
    /// The file name manifests are parsed as; relative paths resolve against `/data/jobs`.
    static let file = "/data/jobs/m.yaml"

    /// A location in `file`.
    static func at(_ line: Int, _ column: Int, file: String = file) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// The manifest `yaml` describes; throws its errors.
    static func parse(_ yaml: String, _ overrides: [String] = [], file: String = file) throws(ManifestErrors) -> Manifest {
        try Manifest.parse(yaml: yaml, file: file, overrides: overrides)
    }

    /// The errors of `yaml`, in order, as "line:column: message" (in `file`), "--set path: message" (in an
    /// override, when at 1:1 as overrides are) or "message" (no location). Empty when it is valid.
    static func errors(_ yaml: String, _ overrides: [String] = [], file: String = file) -> [String] {
        do {
            _ = try parse(yaml, overrides, file: file)
            return []
        } catch {
            return error.errors.map { error in
                guard let location = error.location else { return error.message }
                if location.file == file { return "\(location.line):\(location.column): \(error.message)" }
                if location.line == 1 && location.column == 1 { return "\(location.file): \(error.message)" }
                return "\(location): \(error.message)"
            }
        }
    }
}
