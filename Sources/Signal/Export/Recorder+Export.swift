#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// What an explicit export includes and what it hides. Nothing leaves the store unless the app
/// calls ``Recorder/export(to:options:)`` or ``Recorder/exportLines(options:)``.
public struct ExportOptions<State: Codable & Sendable, Action: Codable & Sendable, Outcome: Codable & Sendable>: Sendable {
    /// Only these episodes (all when nil).
    public var episodes: Set<EpisodeID>?
    /// Typed redaction hook, run first on each transition (e.g. blank file contents).
    public var redact: (@Sendable (inout Transition<State, Action, Outcome>) -> Void)?
    /// Dotted JSON paths inside the exported transition to replace with `replacement`
    /// (`*` matches all elements), e.g. `["state.text", "suggestions.*.action"]`.
    public var redactedPaths: [String]
    public var replacement: JSONValue
    /// Drop the timestamps (replaced by 0).
    public var dropTimestamps: Bool

    public init(
        episodes: Set<EpisodeID>? = nil, redact: (@Sendable (inout Transition<State, Action, Outcome>) -> Void)? = nil,
        redactedPaths: [String] = [], replacement: JSONValue = .string("[redacted]"), dropTimestamps: Bool = false
    ) {
        self.episodes = episodes
        self.redact = redact
        self.redactedPaths = redactedPaths
        self.replacement = replacement
        self.dropTimestamps = dropTimestamps
    }
}

/// One line of an export bundle (JSON lines, keys sorted).
public struct ExportLine: Codable, Sendable, Hashable {
    /// Episode, step, sequence, time (0 with `dropTimestamps`) and the app schema of the record.
    public var episode: UInt64
    public var step: UInt32
    public var sequence: UInt64
    public var timestamp_ms: Int64
    public var schema_version: UInt16
    /// The transition's JSON, after redaction.
    public var transition: JSONValue
}

extension Recorder {
    /// The export bundle as JSON lines (one ``ExportLine`` per transition, in append order).
    /// Records at older schema versions are migrated first, so every line has the current schema.
    public func exportLines(options: ExportOptions<State, Action, Outcome> = .init()) throws(SignalError) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines: [String] = []
        try forEachTransition { (r) throws(SignalError) in
            if let only = options.episodes, !only.contains(r.episode) { return }
            var t = r.transition
            options.redact?(&t)
            do {
                var tree = try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(t))
                for path in options.redactedPaths { tree.replace(path: path, with: options.replacement) }
                let line = ExportLine(episode: r.episode.rawValue, step: r.step, sequence: r.header.sequence,
                                      timestamp_ms: options.dropTimestamps ? 0 : r.header.timestampMillis,
                                      schema_version: schemaVersion, transition: tree)
                lines.append(String(decoding: try encoder.encode(line), as: UTF8.self))
            } catch {
                throw SignalError(.encodingFailed, "cannot export record \(r.header.sequence): \(error)")
            }
        }
        return lines
    }

    /// Writes the export bundle to `path` (created or replaced, mode 0600, fsynced); returns
    /// the number of lines.
    @discardableResult
    public func export(to path: String, options: ExportOptions<State, Action, Outcome> = .init()) throws(SignalError) -> Int {
        let lines = try exportLines(options: options)
        var bytes: [UInt8] = []
        for line in lines { bytes += line.utf8; bytes.append(0x0a) }
        let file = try FileHandle(path: path, flags: O_WRONLY | O_CREAT | O_TRUNC)
        try file.write(bytes, at: 0)
        try file.sync(dataOnly: false)
        return lines.count
    }
}
