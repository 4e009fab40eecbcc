namespace Tern.Engine.Protocol.Envelopes;

/// <summary>How the payload after a blob's head is encrypted (docs/PROTOCOL.md §15.1 <c>payload_cipher</c>, §15.5).</summary>
public enum PayloadCipher : byte
{
    /// <summary>
    /// Tern does not encrypt it: the payload is whatever the sender put there (an application's own ciphertext, or
    /// bytes meant to be public), and <c>content_key</c> is all zero.
    /// </summary>
    None = 0,

    /// <summary>XChaCha20-Poly1305 in 64 KiB chunks under the envelope's <c>content_key</c> (§15.5).</summary>
    ChunkedXChaCha20Poly1305 = 1,
}
