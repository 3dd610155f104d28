import Foundation

/// Paths shared by every test target: the project root and `../shared/vectors/`
/// (beside the project root; CI has the same folder).
public enum TestVectors {
    /// The folder holding Package.swift.
    public static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `../shared/vectors`.
    public static let root: URL = projectRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors")

    /// The bytes of a vectors file, by path relative to `shared/vectors`.
    public static func data(_ relative: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relative))
    }

    /// A vectors file parsed as JSON.
    public static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(relative))
    }

    /// Text of a vectors file.
    public static func text(_ relative: String) throws -> String {
        String(decoding: try data(relative), as: UTF8.self)
    }
}
