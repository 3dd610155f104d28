import Synchronization

/// An in-process "network" for simulations and tests: nodes join and leave, publications are
/// stored per (node, round), and any node can be crashed (unreachable) or made to serve
/// arbitrary bytes (a bad peer).
public final class InProcessNetwork: Sendable {
    struct State {
        var members: Set<String> = []
        var crashed: Set<String> = []
        var publications: [String: [UInt64: [UInt8]]] = [:]
        var forgotten: [String: Set<String>] = [:]   // viewer → peers it dropped
        var fetches = 0
        var bytesServed = 0
    }
    let state = Mutex(State())

    /// An empty network.
    public init() {}

    /// Adds a node (it becomes visible to others, including those that had dropped it).
    public func join(_ node: String) {
        state.withLock { s in
            s.members.insert(node)
            s.crashed.remove(node)
            for viewer in s.forgotten.keys { s.forgotten[viewer]?.remove(node) }
        }
    }
    /// Removes a node and its publications (a clean leave).
    public func leave(_ node: String) { state.withLock { $0.members.remove(node); $0.publications[node] = nil } }
    /// Makes a node unreachable without telling anyone (a crash).
    public func crash(_ node: String) { state.withLock { _ = $0.crashed.insert(node) } }
    /// Stores `bytes` as `node`'s publication for `round`, whatever they contain.
    public func store(_ bytes: [UInt8], node: String, round: UInt64) {
        state.withLock { $0.publications[node, default: [:]][round] = bytes }
    }
    /// Fetches served and bytes served so far.
    public var traffic: (fetches: Int, bytes: Int) { state.withLock { ($0.fetches, $0.bytesServed) } }

    func fetch(_ node: String, round: UInt64) -> FetchOutcome {
        state.withLock { s in
            guard s.members.contains(node), !s.crashed.contains(node) else { return .failed("\(node) is unreachable") }
            guard let bytes = s.publications[node]?[round] else { return .notReady }
            s.fetches += 1
            s.bytesServed += bytes.count
            return .payload(bytes)
        }
    }

    func peers(of node: String) -> [String] {
        state.withLock { s in s.members.filter { $0 != node && !(s.forgotten[node]?.contains($0) ?? false) }.sorted() }
    }

    func forget(_ peer: String, by node: String) { state.withLock { _ = $0.forgotten[node, default: []].insert(peer) } }
}

/// A node's view of an ``InProcessNetwork``.
public struct InProcessTransport: SwarmTransport {
    /// The network.
    public let network: InProcessNetwork
    /// This node's id.
    public let node: String

    /// A transport for `node` on `network` (the node joins the network).
    public init(network: InProcessNetwork, node: String) {
        self.network = network
        self.node = node
        network.join(node)
    }

    public func publish(round: UInt64, payload: [UInt8]) async { network.store(payload, node: node, round: round) }
    public func fetch(from peer: String, round: UInt64, timeoutMillis: UInt64) async -> FetchOutcome { network.fetch(peer, round: round) }
    public func refreshPeers() async -> [String] { network.peers(of: node) }
    public func forget(_ peer: String) async { network.forget(peer, by: node) }
}
