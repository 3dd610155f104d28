import Swarm
import Testing

@Suite("Round coordinator")
struct RoundCoordinatorTests {
    static func code(_ body: () throws -> Void) -> CoordinatorError.Code? {
        do { try body(); return nil } catch let error as CoordinatorError { return error.code } catch { return nil }
    }

    @Test("one reward per (round, stage, peer); winners and cumulative rewards")
    func rewardsAndWinners() throws {
        var c = RoundCoordinator(stages: 2)
        for p in ["a", "b", "c"] { _ = try c.register(p) }
        #expect(Self.code { _ = try c.register("a") } == .alreadyRegistered)
        #expect(Self.code { _ = try c.register("") } == .invalidPeer)
        _ = try c.submitReward(round: 0, stage: 0, peer: "a", reward: 1)
        #expect(Self.code { _ = try c.submitReward(round: 0, stage: 0, peer: "a", reward: 2) } == .duplicateReward)
        #expect(Self.code { _ = try c.submitReward(round: 1, stage: 0, peer: "b", reward: 2) } == .wrongRound)
        #expect(Self.code { _ = try c.submitReward(round: 0, stage: 1, peer: "b", reward: 2) } == .wrongStage)
        #expect(Self.code { _ = try c.submitReward(round: 0, stage: 0, peer: "z", reward: 2) } == .unknownPeer)
        #expect(Self.code { _ = try c.submitReward(round: 0, stage: 0, peer: "b", reward: .nan) } == .invalidReward)
        _ = try c.submitReward(round: 0, stage: 0, peer: "b", reward: 0.5)
        #expect(c.advance() == .stageAdvanced(round: 0, stage: 1))
        _ = try c.submitReward(round: 0, stage: 1, peer: "a", reward: 0.5)   // a: 1.5
        _ = try c.submitReward(round: 0, stage: 1, peer: "b", reward: 1.0)   // b: 1.5
        _ = try c.submitReward(round: 0, stage: 1, peer: "c", reward: 1.0)   // c: 1.0
        #expect(c.advance() == .roundClosed(round: 0, winners: ["a", "b"], rewards: ["a": 1.5, "b": 1.5, "c": 1]))
        #expect(c.round == 1 && c.stage == 0 && c.winners[0] == ["a", "b"])
        // Same (stage, peer) in a new round is a new reward.
        _ = try c.submitReward(round: 1, stage: 0, peer: "a", reward: 1)
        _ = c.advance()
        #expect(c.advance() == .roundClosed(round: 1, winners: ["a"], rewards: ["a": 1]))
        #expect(c.cumulativeReward == ["a": 2.5, "b": 1.5, "c": 1])
    }

    @Test("leave and join; an empty round has no winners")
    func membership() throws {
        var c = RoundCoordinator(startingRound: 5)
        _ = try c.register("a")
        #expect(try c.remove("a") == .removed("a"))
        #expect(Self.code { _ = try c.remove("a") } == .unknownPeer)
        #expect(Self.code { _ = try c.submitReward(round: 5, stage: 0, peer: "a", reward: 1) } == .unknownPeer)
        #expect(c.advance() == .roundClosed(round: 5, winners: [], rewards: [:]))
        _ = try c.register("a")
        _ = try c.submitReward(round: 6, stage: 0, peer: "a", reward: 0)
        #expect(c.advance() == .roundClosed(round: 6, winners: ["a"], rewards: ["a": 0]))
    }
}
