import Swarm
import Testing

@Suite("Peer exchange state machine")
struct PeerExchangeTests {
    static let config = PeerExchange.Config(fetchTimeoutMillis: 1000, retryIntervalMillis: 100)

    static func payload(round: UInt64, node: String) -> [UInt8] {
        RolloutCodec.encode(RolloutCodecTests.publication(round: round, node: node))
    }

    static func mine(_ round: UInt64) -> RolloutPublication { RolloutPublication(round: round, nodeID: "me", groups: []) }

    static func complete(_ actions: [PeerExchange.Action]) -> PeerExchange.RoundResult? {
        for case .roundComplete(let r) in actions { return r }
        return nil
    }

    @Test("a round publishes, fetches every peer and completes when all delivered")
    func happyPath() throws {
        var x = PeerExchange(nodeID: "me", config: Self.config)
        _ = x.peerJoined("b", now: 0)
        _ = x.peerJoined("a", now: 0)
        #expect(x.peerJoined("me", now: 0).isEmpty)
        let start = x.startRound(Self.mine(3), now: 10)
        #expect(start.count == 4)
        #expect(start[1] == .fetch(peer: "a", round: 3, notBefore: 10) && start[2] == .fetch(peer: "b", round: 3, notBefore: 10))
        #expect(start[3] == .wakeUp(at: 1010))
        guard case .publish(3, let bytes) = start[0] else { Issue.record("no publish first"); return }
        #expect(try RolloutCodec.decode(bytes) == Self.mine(3))
        #expect(x.fetchSucceeded(peer: "a", round: 3, payload: Self.payload(round: 3, node: "a"), now: 20).isEmpty)
        let done = Self.complete(x.fetchSucceeded(peer: "b", round: 3, payload: Self.payload(round: 3, node: "b"), now: 30))
        #expect(done?.received == ["a", "b"] && done?.external.count == 6 && done?.timedOut == [])
        #expect(done?.external.first?.origin == "a")
        // Late duplicates are ignored.
        #expect(x.fetchSucceeded(peer: "a", round: 3, payload: Self.payload(round: 3, node: "a"), now: 40).isEmpty)
        #expect(x.tick(now: 5000).isEmpty)
    }

    @Test("not ready → retried before the deadline; a silent peer times out at the deadline")
    func retriesAndTimeout() {
        var x = PeerExchange(nodeID: "me", config: Self.config)
        _ = x.peerJoined("a", now: 0)
        _ = x.peerJoined("dead", now: 0)
        _ = x.startRound(Self.mine(1), now: 0)
        #expect(x.fetchNotReady(peer: "a", round: 1, now: 50) == [.fetch(peer: "a", round: 1, notBefore: 150)])
        #expect(x.fetchFailed(peer: "dead", round: 1, now: 60) == [.fetch(peer: "dead", round: 1, notBefore: 160)])
        #expect(x.fetchFailed(peer: "dead", round: 1, now: 950).isEmpty)  // next try would pass the deadline
        #expect(x.fetchNotReady(peer: "a", round: 0, now: 100).isEmpty)   // stale round
        _ = x.fetchSucceeded(peer: "a", round: 1, payload: Self.payload(round: 1, node: "a"), now: 200)
        #expect(x.tick(now: 999).isEmpty)
        let r = Self.complete(x.tick(now: 1000))
        #expect(r?.received == ["a"] && r?.timedOut == ["dead"] && r?.dropped == [])
        // A second missed round drops the peer; it is fetched again once it rejoins.
        _ = x.startRound(Self.mine(2), now: 2000)
        _ = x.fetchSucceeded(peer: "a", round: 2, payload: Self.payload(round: 2, node: "a"), now: 2100)
        #expect(Self.complete(x.tick(now: 3000))?.dropped == ["dead"])
        #expect(!x.peers.contains("dead"))
        let s = x.startRound(Self.mine(3), now: 4000)
        #expect(!s.contains(.fetch(peer: "dead", round: 3, notBefore: 4000)))
        #expect(x.peerJoined("dead", now: 4100) == [.fetch(peer: "dead", round: 3, notBefore: 4100)])
    }

    @Test("bad payloads are rejected with their reason and the round goes on", arguments: [
        ("malformed", RolloutError.Code.truncated), ("wrong round", .wrongRound), ("oversized", .oversized),
        ("utf8", .invalidUTF8), ("own id", .invalidField), ("other id", .invalidField),
    ])
    func badPeer(kind: String, expected: RolloutError.Code) {
        var x = PeerExchange(nodeID: "me", config: Self.config)
        _ = x.peerJoined("bad", now: 0)
        _ = x.peerJoined("good", now: 0)
        _ = x.startRound(Self.mine(4), now: 0)
        var bytes = Self.payload(round: 4, node: "bad")
        switch kind {
        case "malformed": bytes = Array(bytes.prefix(40))
        case "wrong round": bytes = Self.payload(round: 5, node: "bad")
        case "oversized": bytes += [UInt8](repeating: 0, count: 1 << 20)
        case "utf8": bytes[16] = 0xFF
        case "other id": bytes = Self.payload(round: 4, node: "good")
        default: bytes = Self.payload(round: 4, node: "me")
        }
        let actions = x.fetchSucceeded(peer: "bad", round: 4, payload: bytes, now: 10)
        guard case .rejected("bad", 4, let error)? = actions.first else { Issue.record("not rejected: \(actions)"); return }
        #expect(error.code == expected)
        #expect(x.fetchNotReady(peer: "bad", round: 4, now: 20).isEmpty)   // not asked again this round
        let r = Self.complete(x.fetchSucceeded(peer: "good", round: 4, payload: Self.payload(round: 4, node: "good"), now: 30))
        #expect(r?.received == ["good"] && r?.rejected["bad"]?.code == expected)
    }

    @Test("peers joining or leaving mid-round")
    func membership() {
        var x = PeerExchange(nodeID: "me", config: Self.config)
        _ = x.peerJoined("a", now: 0)
        _ = x.startRound(Self.mine(0), now: 0)
        #expect(x.peerJoined("b", now: 5) == [.fetch(peer: "b", round: 0, notBefore: 5)])
        _ = x.fetchSucceeded(peer: "b", round: 0, payload: Self.payload(round: 0, node: "b"), now: 10)
        let r = Self.complete(x.peerLeft("a", now: 20))   // the round no longer waits for a
        #expect(r?.received == ["b"] && r?.timedOut == [])
        // With no peers at all, a round completes at once.
        var alone = PeerExchange(nodeID: "me", config: Self.config)
        #expect(Self.complete(alone.startRound(Self.mine(0), now: 0))?.external == [])
    }
}
