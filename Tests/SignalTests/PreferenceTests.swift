import Testing
import Signal

@Suite struct PreferenceTests {
    typealias T = Transition<String, String, Bool>

    func recorded(_ steps: [T]) -> [RecordedTransition<String, String, Bool>] {
        steps.enumerated().map { i, t in
            RecordedTransition(header: RecordHeader(sequence: UInt64(i), episode: EpisodeID(4), step: UInt32(i), timestampMillis: 0, schemaVersion: 1),
                               transition: t)
        }
    }

    @Test func pairsAndRewards() throws {
        let steps: [T] = [
            // 0: accepted A over rejected B; tests then pass (step-level) and the app adds 0.5.
            T(state: "s0", suggestions: [Suggestion("A"), Suggestion("B")], action: "A",
              feedback: [.accepted(0), .rejected(1), Feedback(.testsPassed)], rewards: [AppReward("goal", 0.5)]),
            // 1: user edited suggestion C into C'.
            T(state: "s1", suggestions: [Suggestion("C")], action: "C'", feedback: [.edited(0), Feedback(.compileBroken)]),
            // 2: accepted D, undone at step 3.
            T(state: "s2", suggestions: [Suggestion("D"), Suggestion("E")], action: "D", feedback: [.accepted(0)]),
            // 3: the undo of step 2's D, and the user typing their own action over rejected F.
            T(state: "s3", suggestions: [Suggestion("F")], action: "own",
              feedback: [.undone(0, atStep: 2), .rejected(0)]),
            // 4: accepted G kept and survived, over undone H... (H accepted then undone here).
            T(state: "s4", suggestions: [Suggestion("G"), Suggestion("H")], action: "G",
              feedback: [.accepted(0), Feedback(.kept, suggestion: 0), Feedback(.survived, suggestion: 0), .accepted(1), .undone(1)]),
        ]
        let data = try PreferenceExtractor().extract(episode: recorded(steps).reversed())
        let pairs = data.pairs.map { "\($0.step):\($0.chosen)>\($0.rejected):\($0.source.rawValue)" }
        #expect(pairs == [
            "0:A>B:accepted_over_rejected",
            "1:C'>C:edit_over_suggestion",
            "3:own>F:user_action_over_rejected",
            "4:G>H:accepted_over_undone",
        ])
        let ex = Dictionary(data.examples.map { ("\($0.step):\($0.action)", $0.reward) }, uniquingKeysWith: +)
        // CodeAssist weights (REFERENCES.md): tests pass +1, compile broken −0.5, kept +0.25,
        // undone −0.75, survived +1; accept/reject/edit 0.
        #expect(ex == ["0:A": 1.5, "0:B": 0, "1:C": 0, "1:C'": -0.5, "2:D": -0.75, "3:F": 0, "4:G": 1.25, "4:H": -0.75])
        let a = data.examples.first { $0.step == 0 && $0.action == "A" }!
        #expect(Set(a.components.map(\.name)) == ["accepted", "tests_passed", "app:goal"])
    }

    @Test func badReferencesAreTypedErrors() {
        let missingStep = [T(state: "s", suggestions: [Suggestion("A")], feedback: [.undone(0, atStep: 9)])]
        expectCode(.invalidRecord) { () throws(SignalError) in try PreferenceExtractor().extract(episode: recorded(missingStep)) }
        let missingSuggestion = [T(state: "s", suggestions: [Suggestion("A")]), T(state: "t", feedback: [.undone(3, atStep: 0)])]
        expectCode(.invalidRecord) { () throws(SignalError) in try PreferenceExtractor().extract(episode: recorded(missingSuggestion)) }
    }

    /// The output is plain Codable data a trainer can read back.
    @Test func outputRoundTripsThroughJSON() throws {
        let steps = [T(state: "s0", suggestions: [Suggestion("A"), Suggestion("B")], action: "A", feedback: [.accepted(0), .rejected(1)])]
        let data = try PreferenceExtractor().extract(episode: recorded(steps))
        let json = try JSONEncoder().encode(data)
        let back = try JSONDecoder().decode(PreferenceData<String, String>.self, from: json)
        #expect(back.pairs.map(\.chosen) == ["A"] && back.pairs.map(\.rejected) == ["B"])
    }
}

import Foundation
