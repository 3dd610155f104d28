import Crypto
import Signal

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encryption at rest for ``Signal/SignalStore`` with ChaCha20-Poly1305 (swift-crypto) and a
/// 256-bit key from the app (e.g. from the platform keychain).
///
/// Each body is sealed with a fresh random 96-bit nonce; stored as nonce ‖ ciphertext ‖ tag
/// (28 bytes of overhead). The record header is authenticated as associated data.
public struct ChaChaPolySealer: RecordSealer {
    // Raw bytes (SymmetricKey is not Sendable); a SymmetricKey is made per call.
    let keyBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// - Throws: ``Signal/SignalError/Code/invalidConfiguration`` unless `key` is 32 bytes.
    public init(key: [UInt8]) throws(SignalError) {
        guard key.count == 32 else {
            throw SignalError(.invalidConfiguration, "ChaChaPoly needs a 32-byte key, got \(key.count) bytes")
        }
        keyBytes = key
    }

    public func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws(SignalError) -> [UInt8] {
        do {
            return Array(try ChaChaPoly.seal(plaintext, using: key, authenticating: associatedData).combined)
        } catch {
            throw SignalError(.encodingFailed, "ChaChaPoly seal failed: \(error)")
        }
    }

    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(SignalError) -> [UInt8] {
        do {
            let box = try ChaChaPoly.SealedBox(combined: sealed)
            return Array(try ChaChaPoly.open(box, using: key, authenticating: associatedData))
        } catch {
            throw SignalError(.wrongKey, "cannot decrypt a record body: wrong key or tampered data")
        }
    }
}

/// Like ``ChaChaPolySealer`` with AES-256-GCM (hardware AES on most CPUs).
public struct AESGCMSealer: RecordSealer {
    // Raw bytes (SymmetricKey is not Sendable); a SymmetricKey is made per call.
    let keyBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// - Throws: ``Signal/SignalError/Code/invalidConfiguration`` unless `key` is 16, 24 or 32 bytes.
    public init(key: [UInt8]) throws(SignalError) {
        guard [16, 24, 32].contains(key.count) else {
            throw SignalError(.invalidConfiguration, "AES-GCM needs a 16-, 24- or 32-byte key, got \(key.count) bytes")
        }
        keyBytes = key
    }

    public func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws(SignalError) -> [UInt8] {
        do {
            guard let combined = try AES.GCM.seal(plaintext, using: key, authenticating: associatedData).combined else {
                throw SignalError(.encodingFailed, "AES-GCM produced no combined box")
            }
            return Array(combined)
        } catch {
            throw SignalError(.encodingFailed, "AES-GCM seal failed: \(error)")
        }
    }

    public func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(SignalError) -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return Array(try AES.GCM.open(box, using: key, authenticating: associatedData))
        } catch {
            throw SignalError(.wrongKey, "cannot decrypt a record body: wrong key or tampered data")
        }
    }
}
