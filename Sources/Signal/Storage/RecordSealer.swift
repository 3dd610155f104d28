/// Encryption at rest for record bodies: an AEAD supplied by the app (``SignalCrypto`` provides
/// ChaChaPoly and AES-GCM with the app's key). Signal itself links no cryptography library.
///
/// The store passes each record's clear header as `associatedData`, so a sealed body cannot be
/// moved to another position, episode or step without failing to open.
public protocol RecordSealer: Sendable {
    /// Encrypts and authenticates `plaintext`; the result must carry its own nonce and tag.
    func seal(_ plaintext: [UInt8], associatedData: [UInt8]) throws(SignalError) -> [UInt8]
    /// Reverses ``seal(_:associatedData:)``; throws ``SignalError/Code/wrongKey`` when
    /// authentication fails.
    func open(_ sealed: [UInt8], associatedData: [UInt8]) throws(SignalError) -> [UInt8]
}

