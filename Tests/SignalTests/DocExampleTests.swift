import Testing
import Signal
import SignalCrypto

/// The example of Docs/Signal.md, run as written (paths made temporary).
@Suite struct DocExampleTests {
    struct EditorState: Codable, Sendable { var file: String; var text: String }
    struct Completion: Codable, Sendable, Equatable { var text: String }
    struct BuildResult: Codable, Sendable { var compiles: Bool; var testsPassed: Bool }

    @Test func example() throws {
        let dir = TempDir(); defer { dir.remove() }
        let key = [UInt8](repeating: 7, count: 32)  // in an app: 32 bytes from the keychain

        let store = try SignalStore(SignalStoreConfiguration(
            directory: dir.store,
            sealer: try ChaChaPolySealer(key: key),
            retention: RetentionPolicy(maxRecords: 1_000_000, maxAgeMillis: 30 * 24 * 3_600_000)))
        let recorder = try Recorder<EditorState, Completion, BuildResult>(store: store)

        let episode = recorder.newEpisode()
        try recorder.record(Transition(
            state: EditorState(file: "Cart.swift", text: "let total = "),
            suggestions: [Suggestion(Completion(text: "items.sum()"), score: -0.4),
                          Suggestion(Completion(text: "0"), score: -1.9)],
            action: Completion(text: "items.sum()"),
            nextState: EditorState(file: "Cart.swift", text: "let total = items.sum()"),
            outcome: BuildResult(compiles: true, testsPassed: true),
            feedback: [.accepted(0), .rejected(1), Feedback(.testsPassed)]), in: episode)
        // Later the user rewrites a completion by hand, and the compile breaks.
        try recorder.record(Transition(
            state: EditorState(file: "Cart.swift", text: "print("),
            suggestions: [Suggestion(Completion(text: "total)"))],
            action: Completion(text: "total, items.count)"),
            feedback: [.edited(0), Feedback(.compileBroken)]), in: episode)

        let data = try PreferenceExtractor(weights: .codeAssist).extract(episode: recorder.transitions(in: episode))
        #expect(data.pairs.map(\.chosen.text) == ["items.sum()", "total, items.count)"])
        #expect(data.pairs.map(\.rejected.text) == ["0", "total)"])
        #expect(data.examples.map(\.reward) == [1, 0, 0, -0.5])

        let path = dir.path + "/bundle.jsonl"
        let lines = try recorder.export(to: path, options: .init(redactedPaths: ["state.text", "nextState.text"]))
        #expect(lines == 2)
        #expect(!String(decoding: fileBytes(path), as: UTF8.self).contains("let total"))
    }
}
