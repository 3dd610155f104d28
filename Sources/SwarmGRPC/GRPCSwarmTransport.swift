import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Swarm
import Synchronization

/// The network transport of a Swarm node over gRPC (HTTP/2, plaintext; meant for loopback and
/// trusted networks): it serves this node's publications and peer list, and fetches peers'
/// publications.
///
/// Use: create it, run ``serve()`` in a task, await ``listeningAddress()``, then drive a
/// ``SwarmNode`` with it. `bootstrap` peers are announced to (``SwarmWire/join``) on every
/// ``refreshPeers()``, which is how a restarted node rejoins.
public final class GRPCSwarmTransport: SwarmTransport {
    /// State shared by the server handlers and the client side.
    final class Shared: Sendable {
        let state = Mutex(State())
        let history: UInt64
        init(history: UInt64) { self.history = history }
    }

    struct State {
        var selfAddress: String?
        var currentRound: UInt64 = 0
        var publications: [UInt64: [UInt8]] = [:]
        var known: Set<String> = []
        var observedRound: UInt64 = 0
        var clients: [String: GRPCClient<HTTP2ClientTransport.Posix>] = [:]
        var bytesServed = 0
    }

    let shared: Shared
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let serverTransport: HTTP2ServerTransport.Posix
    let bootstrap: [String]
    /// Publications kept for late peers (rounds).
    public let history: UInt64
    /// Largest response a fetch accepts from gRPC (the rollout decoder applies its own, smaller limit).
    public let maxResponseBytes: Int

    /// A transport listening on `host:port` (port 0 picks a free port) that announces itself to
    /// `bootstrap` peers.
    public init(host: String, port: Int, bootstrap: [PeerAddress], history: UInt64 = 32, maxResponseBytes: Int = 4 << 20) {
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: host, port: port), transportSecurity: .plaintext)
        self.serverTransport = transport
        self.bootstrap = bootstrap.map(\.description)
        self.history = max(1, history)
        self.maxResponseBytes = maxResponseBytes
        let shared = Shared(history: max(1, history))
        self.shared = shared
        self.server = GRPCServer(transport: transport, services: [SwarmService(shared: shared)])
    }

    /// Serves until ``shutdown()``.
    public func serve() async throws { try await server.serve() }

    /// The address peers reach this node at, once listening: `advertise` when given (needed when
    /// listening on 0.0.0.0), else the bound address. It becomes this node's id, and peers check
    /// that publications fetched from it carry it.
    public func listeningAddress(advertise: PeerAddress? = nil) async throws -> String {
        let address = try await serverTransport.listeningAddress
        guard let v4 = address.ipv4 else { throw WireError(message: "the server is not bound to an IPv4 address: \(address)") }
        let text = advertise?.description ?? "\(v4.host):\(v4.port)"
        shared.state.withLock { $0.selfAddress = text }
        return text
    }

    /// The highest round any peer reported in a join response (where a rejoining node starts).
    public var observedRound: UInt64 { shared.state.withLock { $0.observedRound } }

    /// Bytes of publications served to peers so far.
    public var bytesServed: Int { shared.state.withLock { $0.bytesServed } }

    /// Stops serving and closes every client.
    public func shutdown() {
        server.beginGracefulShutdown()
        let clients = shared.state.withLock { s in defer { s.clients = [:] }; return Array(s.clients.values) }
        for c in clients { c.beginGracefulShutdown() }
    }

    public func publish(round: UInt64, payload: [UInt8]) async {
        shared.state.withLock { s in
            s.publications[round] = payload
            s.currentRound = max(s.currentRound, round)
            let keep = s.currentRound >= history ? s.currentRound - history + 1 : 0
            s.publications = s.publications.filter { $0.key >= keep }
        }
    }

    func client(for peer: String) throws -> GRPCClient<HTTP2ClientTransport.Posix> {
        if let c = shared.state.withLock({ $0.clients[peer] }) { return c }
        guard let address = PeerAddress(peer) else { throw WireError(message: "bad peer address \(peer)") }
        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: address.host, port: address.port), transportSecurity: .plaintext)
        let client = GRPCClient(transport: transport)
        let (stored, isNew) = shared.state.withLock { s -> (GRPCClient<HTTP2ClientTransport.Posix>, Bool) in
            if let existing = s.clients[peer] { return (existing, false) }
            s.clients[peer] = client
            return (client, true)
        }
        if isNew { Task { try? await client.runConnections() } }
        return stored
    }

    func options(timeoutMillis: UInt64) -> CallOptions {
        var o = CallOptions.defaults
        o.timeout = .milliseconds(Int64(clamping: max(1, timeoutMillis)))
        o.waitForReady = false
        o.maxResponseMessageBytes = maxResponseBytes
        return o
    }

    public func fetch(from peer: String, round: UInt64, timeoutMillis: UInt64) async -> FetchOutcome {
        do {
            let c = try client(for: peer)
            let response = try await c.unary(
                request: ClientRequest(message: FetchRequest(round: round)), descriptor: SwarmWire.fetch,
                serializer: BinarySerializer<FetchRequest>(), deserializer: BinarySerializer<FetchResponse>(),
                options: options(timeoutMillis: timeoutMillis)
            ) { try $0.message }
            return response.payload.map { .payload($0) } ?? .notReady
        } catch {
            return .failed("\(error)")
        }
    }

    /// Announces this node to `peer` and merges its answer (peer list, current round).
    func join(_ peer: String) async -> Bool {
        guard let me = shared.state.withLock({ $0.selfAddress }) else { return false }
        do {
            let c = try client(for: peer)
            let response = try await c.unary(
                request: ClientRequest(message: JoinRequest(address: me)), descriptor: SwarmWire.join,
                serializer: BinarySerializer<JoinRequest>(), deserializer: BinarySerializer<JoinResponse>(),
                options: options(timeoutMillis: 1000)
            ) { try $0.message }
            shared.state.withLock { s in
                s.known.insert(peer)
                for p in response.peers where p != me && s.known.count < SwarmWire.maxPeers { s.known.insert(p) }
                s.observedRound = max(s.observedRound, response.round)
            }
            return true
        } catch {
            return false
        }
    }

    public func refreshPeers() async -> [String] {
        for peer in bootstrap { _ = await join(peer) }
        return shared.state.withLock { s in s.known.filter { $0 != s.selfAddress }.sorted() }
    }

    public func forget(_ peer: String) async {
        let c = shared.state.withLock { s in
            s.known.remove(peer)
            return s.clients.removeValue(forKey: peer)
        }
        c?.beginGracefulShutdown()
    }
}

/// The server side: `Join` and `Fetch` over the transport's shared state.
struct SwarmService: RegistrableRPCService {
    let shared: GRPCSwarmTransport.Shared

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let shared = self.shared
        router.registerHandler(
            forMethod: SwarmWire.join, deserializer: BinarySerializer<JoinRequest>(), serializer: BinarySerializer<JoinResponse>()
        ) { request, _ in
            let message = try await ServerRequest(stream: request).message
            let response = shared.state.withLock { s -> JoinResponse in
                // The caller is alive: (re)admit it. Answer with the other peers and our round.
                let others = s.known.filter { $0 != message.address }.sorted()
                // Bounded: a flood of joins cannot grow the peer list without limit.
                if message.address != s.selfAddress, s.known.count < SwarmWire.maxPeers { s.known.insert(message.address) }
                return JoinResponse(round: s.currentRound, peers: others)
            }
            return StreamingServerResponse(single: ServerResponse(message: response))
        }
        router.registerHandler(
            forMethod: SwarmWire.fetch, deserializer: BinarySerializer<FetchRequest>(), serializer: BinarySerializer<FetchResponse>()
        ) { request, _ in
            let message = try await ServerRequest(stream: request).message
            let payload = shared.state.withLock { s -> [UInt8]? in
                let p = s.publications[message.round]
                s.bytesServed += p?.count ?? 0
                return p
            }
            return StreamingServerResponse(single: ServerResponse(message: FetchResponse(payload: payload)))
        }
    }
}
