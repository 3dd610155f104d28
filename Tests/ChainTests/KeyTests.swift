import Foundation
import Testing
import GensynPrimitives
import GensynTestSupport
@testable import Chain

@Suite struct KeyTests {
    @Test func sha256KnownAnswers() {
        // FIPS 180-2 examples.
        #expect(Hex.encode(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Wycheproof ECDSA secp256k1 / SHA-256 (P1363 encoding). Plain ECDSA accepts high s.
    @Test func wycheproofVerification() throws {
        let d = try TestVectors.json("chain/secp256k1/ecdsa_secp256k1_sha256_p1363_test.json") as! [String: Any]
        var count = 0
        for group in d["testGroups"] as! [[String: Any]] {
            let keyHex = (group["publicKey"] as! [String: Any])["uncompressed"] as! String
            let key = try PublicKey(bytes: hex(keyHex))
            for t in group["tests"] as! [[String: Any]] {
                let digest = SHA256.hash(hex(t["msg"] as! String))
                let ok = key.isValidSignature(hex(t["sig"] as! String), digest: digest, allowHighS: true)
                #expect(ok == (t["result"] as! String == "valid"), "tcId \(t["tcId"]!) \(t["comment"]!)")
                count += 1
            }
        }
        #expect(count == d["numberOfTests"] as! Int)
    }

    /// ethereum/tests BasicTests/keyaddrtest.json: key → address. Its `sig_of_emptystring` is checked
    /// separately below: no digest convention we could find makes it recover to the key's address.
    @Test func keyAddressVectors() throws {
        let d = try TestVectors.json("chain/ethereum-tests/BasicTests/keyaddrtest.json") as! [[String: Any]]
        #expect(d.count == 2)
        for v in d {
            let key = try PrivateKey(hex: v["key"] as! String)
            #expect(key.address.lowercased == "0x" + (v["addr"] as! String))
            let digest = Keccak256.hash([UInt8]())
            #expect(try key.sign(digest: digest).recoverAddress(digest: digest) == key.address)
        }
    }

    /// `sig_of_emptystring` does not match any common convention. Searched offline with coincurve (both
    /// parities, s and n − s): messages "", 0x00, 0x80, 0xc0, "emptystring", the seed, key and address; under
    /// keccak256, SHA-256, double SHA-256, SHA3-256, BLAKE2b-256, SHA-512/256-prefix and the raw bytes; with no
    /// prefix, EIP-191 ("\x19Ethereum Signed Message:\n0"/"32") and Bitcoin's signed-message prefix; also
    /// keccak of each digest. None recovers the address. This pins the main ones: r is a valid x (recovery
    /// succeeds) yet the recovered signer is someone else, so the vector is not usable as a signing KAT.
    @Test func sigOfEmptyStringMatchesNoKnownDigest() throws {
        let d = try TestVectors.json("chain/ethereum-tests/BasicTests/keyaddrtest.json") as! [[String: Any]]
        let candidates: [(String, [UInt8])] = [
            ("keccak256(\"\")", Keccak256.hash([UInt8]())), ("sha256(\"\")", SHA256.hash([])),
            ("EIP-191(\"\")", PersonalMessage.hash([UInt8]())), ("keccak256(0x80)", Keccak256.hash([0x80])),
        ]
        for v in d {
            let key = try PrivateKey(hex: v["key"] as! String)
            let sig = v["sig_of_emptystring"] as! [String: String]
            var r = decimalToBytes(sig["r"]!), s = pad32(decimalToBytes(sig["s"]!))
            var parity = UInt8(sig["v"]!)! - 27
            if bigEndianLess(secp256k1HalfOrder, s) { s = subtract(secp256k1Order, s); parity ^= 1 }  // same signature, low s
            r = pad32(r)
            let signature = try Signature(r: r, s: s, recoveryId: parity)
            for (name, digest) in candidates {
                let other = try signature.recoverAddress(digest: digest)
                #expect(other != key.address, "\(name) unexpectedly recovers \(v["seed"]!)'s address")
                // Our own signature over the same digest does recover the key.
                #expect(try key.sign(digest: digest).recoverAddress(digest: digest) == key.address)
            }
        }
    }

    @Test func invalidKeysAndSignatures() throws {
        #expect(throws: ChainError.self) { try PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: ChainError.self) { try PrivateKey(bytes: secp256k1Order) }
        #expect(throws: ChainError.self) { try PrivateKey(bytes: [1, 2, 3]) }
        #expect(throws: ChainError.self) { try PublicKey(bytes: [4] + [UInt8](repeating: 1, count: 64)) }
        #expect(throws: ChainError.self) { try Signature(r: [0], s: [1], recoveryId: 0) }
        #expect(throws: ChainError.self) { try Signature(r: secp256k1Order, s: [1], recoveryId: 0) }
        #expect(throws: ChainError.self) { try Signature(rsv: [UInt8](repeating: 1, count: 64) + [29]) }
        // High s is refused by recovery (EIP-2).
        let key = try PrivateKey(hex: "0x" + String(repeating: "11", count: 32))
        let digest = Keccak256.hash(Array("x".utf8))
        let sig = try key.sign(digest: digest)
        #expect(sig.isLowS)
        let highS = try Signature(r: sig.r, s: subtract(secp256k1Order, sig.s), recoveryId: 1 - sig.recoveryId)
        #expect(!highS.isLowS)
        #expect(throws: ChainError.self) { try highS.recoverPublicKey(digest: digest) }
        #expect(key.publicKey.isValidSignature(highS.compact, digest: digest, allowHighS: true))
        #expect(!key.publicKey.isValidSignature(highS.compact, digest: digest))
        #expect(try PublicKey(bytes: key.publicKey.compressed) == key.publicKey)
    }

    /// Byte-identical signatures and addresses vs eth-account (RFC 6979, low s, v) on random keys and digests,
    /// including EIP-191 personal messages.
    @Test func differentialVsEthAccount() throws {
        guard PythonOracle.isAvailable else { return }
        var rng = SeededRandom(seed: 191)
        var lines: [String] = []
        var ours: [String] = []
        for i in 0..<300 {
            let key = PrivateKey.randomKey(&rng)
            let msg = rng.bytes(Int.random(in: 0..<80, using: &rng))
            let sig: Signature
            if i % 2 == 0 {
                sig = try key.sign(digest: Keccak256.hash(msg))
                lines.append("h \(Hex.encode(key.bytes)) \(Hex.encode(Keccak256.hash(msg)))")
            } else {
                sig = key.signPersonalMessage(msg)
                lines.append("m \(Hex.encode(key.bytes)) \(Hex.encode(msg))")
            }
            ours.append("\(key.address.checksummed) \(Hex.encode(sig.rsv))")
            #expect(try sig.recoverAddress(digest: i % 2 == 0 ? Keccak256.hash(msg) : PersonalMessage.hash(msg)) == key.address)
        }
        let script = """
            import sys
            from eth_account import Account
            from eth_account.messages import encode_defunct
            for line in sys.stdin:
                kind, k, m = (line.split() + [''])[:3]
                acct = Account.from_key(bytes.fromhex(k))
                if kind == 'h':
                    s = Account.unsafe_sign_hash(bytes.fromhex(m), acct.key)
                else:
                    s = Account.sign_message(encode_defunct(primitive=bytes.fromhex(m)), acct.key)
                print(acct.address, s.signature.hex().removeprefix('0x'))
            """
        let out = try PythonOracle.run(script, input: lines.joined(separator: "\n"))
        #expect(out.split(separator: "\n").map(String.init) == ours)
    }
}

extension PrivateKey {
    static func randomKey(_ rng: inout SeededRandom) -> PrivateKey {
        while true { if let k = try? PrivateKey(bytes: rng.bytes(32)) { return k } }
    }
}

func pad32(_ b: [UInt8]) -> [UInt8] { [UInt8](repeating: 0, count: 32 - b.count) + b }

/// a − b for 32-byte big-endian numbers (a ≥ b).
func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    var borrow = 0
    for i in (0..<32).reversed() {
        var v = Int(a[i]) - Int(b[i]) - borrow
        borrow = v < 0 ? 1 : 0
        if v < 0 { v += 256 }
        out[i] = UInt8(v)
    }
    return out
}
