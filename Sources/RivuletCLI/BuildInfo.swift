// BuildInfo: what `rivulet --version` prints: the release, the plugin ABI, the commit and when it was built.
import CRivulet
import CRivuletHost

enum BuildInfo {
    /// The release of this runtime (semantic versioning; the plugin ABI has its own number).
    static let release = "0.9.0"

    /// `rivulet --version`: one fact per line, the release first.
    static var text: String {
        """
        rivulet \(release)
        plugin ABI \(RV_ABI_MAJOR).\(RV_ABI_MINOR) (include/rivulet.h)
        commit \(String(cString: rv_host_build_commit()))
        built \(buildDate)
        """
    }

    /// The compiler's `__DATE__ __TIME__` ("Dec  1 2026 14:55:02") as "2026-12-01 14:55:02".
    static var buildDate: String {
        let parts = String(cString: rv_host_build_date()).split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 4, let month = months.firstIndex(of: String(parts[0])), let day = Int(parts[1]) else {
            return parts.joined(separator: " ")
        }
        let twoDigits = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts[2])-\(twoDigits(month + 1))-\(twoDigits(day)) \(parts[3])"
    }
}
