import Testing
import Signal

/// A CodeAssist-like app: editor state, completion actions, compiler/test outcome.
struct EditorState: Codable, Sendable, Equatable {
    var file: String
    var text: String
    var cursor: Int
}

struct Completion: Codable, Sendable, Equatable {
    var text: String
}

struct BuildOutcome: Codable, Sendable, Equatable {
    var compiles: Bool
    var testsPassed: Int
}

typealias EditorRecorder = Recorder<EditorState, Completion, BuildOutcome>

func sampleTransition(_ i: Int) -> EditorRecorder.Step {
    Transition(
        state: EditorState(file: "main.swift", text: "let x\(i) = ", cursor: 7 + i),
        suggestions: [Suggestion(Completion(text: "\(i)"), score: -0.5), Suggestion(Completion(text: "nil"), score: -2)],
        action: Completion(text: "\(i)"), nextState: EditorState(file: "main.swift", text: "let x\(i) = \(i)", cursor: 9 + i),
        outcome: BuildOutcome(compiles: true, testsPassed: i),
        feedback: [.accepted(0), .rejected(1)], rewards: [AppReward("goal", 0.5)])
}

@Suite struct RecorderTests {
    @Test func typedRoundTrip() throws {
        let dir = TempDir(); defer { dir.remove() }
        let rec = try EditorRecorder(store: SignalStore(SignalStoreConfiguration(directory: dir.store)))
        let e = rec.newEpisode()
        for i in 0..<5 { try rec.record(sampleTransition(i), in: e) }
        try rec.record(contentsOf: (5..<9).map { (e, sampleTransition($0)) })
        let back = try rec.transitions(in: e)
        #expect(back.map(\.transition) == (0..<9).map(sampleTransition))
        #expect(back.map(\.step) == (0..<9).map(UInt32.init))
    }

    @Test func invalidData() throws {
        let dir = TempDir(); defer { dir.remove() }
        let store = try SignalStore(SignalStoreConfiguration(directory: dir.store))
        let rec = try EditorRecorder(store: store)
        let e = rec.newEpisode()
        var t = sampleTransition(0)
        t.feedback = [.accepted(5)]
        expectCode(.invalidRecord) { () throws(SignalError) in try rec.record(t, in: e) }
        t = sampleTransition(0)
        t.rewards = [AppReward("bad", .nan)]
        expectCode(.encodingFailed) { () throws(SignalError) in try rec.record(t, in: e) }
        t.suggestions[0].score = .infinity
        t.rewards = []
        expectCode(.encodingFailed) { () throws(SignalError) in try rec.record(t, in: e) }
        #expect(store.statistics().records == 0)
        // Bytes that are not a transition: a typed decoding error, not a crash.
        try store.append(NewRecord(episode: e, body: Array("{\"state\": 3}".utf8)))
        try store.append(NewRecord(episode: e, body: [0xff, 0x00, 0x13]))
        let records = try store.records(in: e)
        for r in records { expectCode(.decodingFailed) { () throws(SignalError) in try rec.decode(r) } }
        expectCode(.invalidConfiguration) { () throws(SignalError) in try EditorRecorder(store: store, schemaVersion: 0) }
        expectCode(.invalidConfiguration) { () throws(SignalError) in
            try EditorRecorder(store: store, schemaVersion: 2, migrations: [SchemaMigration(from: 2) { $0 }])
        }
    }

    /// Version 1 stored `text` only; version 2 adds `language`, derived by the migration.
    @Test func migratesOlderSchema() throws {
        struct V1State: Codable, Sendable { var text: String }
        struct V2State: Codable, Sendable, Equatable { var text: String; var language: String }
        let dir = TempDir(); defer { dir.remove() }
        let config = SignalStoreConfiguration(directory: dir.store)
        var episode = EpisodeID(0)
        do {
            let v1 = try Recorder<V1State, String, Bool>(store: SignalStore(config), schemaVersion: 1)
            episode = v1.newEpisode()
            try v1.record(Transition(state: V1State(text: "fn main"), suggestions: [Suggestion("()")], action: "()"), in: episode)
            try v1.record(Transition(state: V1State(text: "def f"), action: ":"), in: episode)
        }
        let store = try SignalStore(config)
        let migration = SchemaMigration(from: 1) { (json) throws(SignalError) in
            var json = json
            guard case .string(let text)? = json["state"]?["text"] else { throw SignalError(.decodingFailed, "v1 state without text") }
            json["state"]?["language"] = .string(text.hasPrefix("def") ? "python" : "rust")
            return json
        }
        let v2 = try Recorder<V2State, String, Bool>(store: store, schemaVersion: 2, migrations: [migration])
        try v2.record(Transition(state: V2State(text: "x", language: "swift")), in: episode)
        let back = try v2.transitions(in: episode)
        #expect(back.map(\.transition.state) == [V2State(text: "fn main", language: "rust"), V2State(text: "def f", language: "python"),
                                                 V2State(text: "x", language: "swift")])
        #expect(back.map(\.header.schemaVersion) == [1, 1, 2])
        // Without the migration the old records are a typed error; a v1 reader refuses v2 records.
        let noMigration = try Recorder<V2State, String, Bool>(store: store, schemaVersion: 2)
        expectCode(.unsupportedSchemaVersion) { () throws(SignalError) in try noMigration.transitions(in: episode) }
        let v1 = try Recorder<V1State, String, Bool>(store: store, schemaVersion: 1)
        expectCode(.unsupportedSchemaVersion) { () throws(SignalError) in try v1.transitions(in: episode) }
    }

    @Test func exportWithRedaction() throws {
        let dir = TempDir(); defer { dir.remove() }
        let rec = try EditorRecorder(store: SignalStore(SignalStoreConfiguration(directory: dir.store)))
        let a = rec.newEpisode(), b = rec.newEpisode()
        try rec.record(sampleTransition(1), in: a, timestampMillis: 123)
        try rec.record(sampleTransition(2), in: b, timestampMillis: 456)
        let all = try rec.exportLines()
        #expect(all.count == 2)
        #expect(all[0].contains("\"timestamp_ms\":123") && all[0].contains("let x1 = "))
        let options = ExportOptions<EditorState, Completion, BuildOutcome>(
            episodes: [b], redact: { $0.state.file = "<file>"; $0.nextState?.file = "<file>" },
            redactedPaths: ["state.text", "nextState.text", "suggestions.*.action.text", "action"], dropTimestamps: true)
        let lines = try rec.exportLines(options: options)
        #expect(lines.count == 1)
        let line = lines[0]
        #expect(!line.contains("let x2") && !line.contains("main.swift") && !line.contains("456"))
        #expect(line.contains("\"file\":\"<file>\"") && line.contains("\"text\":\"[redacted]\"") && line.contains("\"action\":\"[redacted]\""))
        #expect(line.contains("\"score\":-2"))  // unredacted fields stay
        let path = dir.path + "/bundle.jsonl"
        #expect(try rec.export(to: path, options: options) == 1)
        #expect(String(decoding: fileBytes(path), as: UTF8.self) == line + "\n")
    }
}
