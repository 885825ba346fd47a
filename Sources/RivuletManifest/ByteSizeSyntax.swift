// ByteSizeSyntax: reads sizes written as `512KB`, `64MB`, `2GB`, `1TB` or plain bytes.
import Foundation

/// Parses the size syntax of manifests (binary units: 1 KB = 1024 bytes).
enum ByteSizeSyntax {
    static let units: [(suffix: String, bytes: Int)] = [("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("TB", 1 << 40), ("B", 1)]

    /// The bytes `text` stands for; nil when malformed, negative or beyond 9 × 10¹⁸.
    static func bytes(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        if let plain = NumberSyntax.integer(trimmed) { return plain >= 0 ? Int(plain) : nil }
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value >= 0, value * Double(unit.bytes) < 9e18 else { return nil }
            return Int(value * Double(unit.bytes))
        }
        return nil
    }
}
