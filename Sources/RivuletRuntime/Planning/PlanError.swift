// PlanError: a topology that cannot run, located at the manifest element that is wrong.
import RivuletManifest

/// Why a valid-looking manifest cannot be planned: a plugin that does not load, an operator or port that
/// does not exist, a field that is not in the input, incompatible schemas. The same located error as the
/// manifest's own checks, found once plugins are loaded (`file:line:column: error: message`).
public typealias PlanError = ManifestError
