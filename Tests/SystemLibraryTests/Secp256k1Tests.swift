import CGensynSecp256k1
import GensynPrimitives
import GensynTestSupport
import Testing

@Suite("libsecp256k1 system library")
struct Secp256k1Tests {
    struct Case: Sendable, CustomTestStringConvertible {
        let seed: String, key: String, address: String
        var testDescription: String { seed }
    }

    static func cases() throws -> [Case] {
        let list = try TestVectors.json("chain/ethereum-tests/BasicTests/keyaddrtest.json") as! [[String: Any]]
        return list.map { Case(seed: $0["seed"] as! String, key: $0["key"] as! String, address: $0["addr"] as! String) }
    }

    @Test("vectors file has cases")
    func vectorsPresent() throws {
        #expect(try Self.cases().count >= 2)
    }

    @Test("private key → public key → address", arguments: try cases())
    func keyToAddress(_ c: Case) throws {
        let ctx = try #require(secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)))
        defer { secp256k1_context_destroy(ctx) }
        let key = try Hex.decode(c.key)
        #expect(secp256k1_ec_seckey_verify(ctx, key) == 1)
        var pub = secp256k1_pubkey()
        #expect(secp256k1_ec_pubkey_create(ctx, &pub, key) == 1)
        var out = [UInt8](repeating: 0, count: 65)
        var len = 65
        #expect(secp256k1_ec_pubkey_serialize(ctx, &out, &len, &pub, UInt32(SECP256K1_EC_UNCOMPRESSED)) == 1)
        #expect(len == 65 && out[0] == 0x04)
        let address = Keccak256.hash(out[1...]).suffix(20)
        #expect(Hex.encode(address) == c.address.lowercased())
    }

    @Test("recovery header is reachable: sign recoverable, recover the same key")
    func recoverable() throws {
        let ctx = try #require(secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)))
        defer { secp256k1_context_destroy(ctx) }
        let key = [UInt8](repeating: 0x11, count: 32)
        let digest = Keccak256.hash(Array("gensyn".utf8))
        var sig = secp256k1_ecdsa_recoverable_signature()
        #expect(secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, key, nil, nil) == 1)
        var recovered = secp256k1_pubkey(), expected = secp256k1_pubkey()
        #expect(secp256k1_ecdsa_recover(ctx, &recovered, &sig, digest) == 1)
        #expect(secp256k1_ec_pubkey_create(ctx, &expected, key) == 1)
        #expect(secp256k1_ec_pubkey_cmp(ctx, &recovered, &expected) == 0)
    }
}
