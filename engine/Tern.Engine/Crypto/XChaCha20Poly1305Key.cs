using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>
/// An XChaCha20-Poly1305 key that keeps the HChaCha20 subkey of the last nonce prefix it saw. A node's datagram nonces
/// share one 16-byte prefix per process (docs/PROTOCOL.md §4.1, a random prefix and a counter), so a peer's key derives
/// its subkey once instead of once per datagram; a different prefix derives it again. The result is byte for byte
/// <see cref="XChaCha20Poly1305"/>'s. Not thread-safe: one owner (the scheduler's loop, a receive loop) uses it.
/// </summary>
/// <remarks>
/// The key and what it keeps live in a <see cref="StateSize"/>-byte state; the static methods work on a state held
/// elsewhere (the ingest's peer key cache keeps one per slot in a single pinned array).
/// </remarks>
public sealed unsafe class XChaCha20Poly1305Key : IDisposable
{
    /// <summary>Bytes of a key's state: key, nonce prefix, subkey, inner nonce, whether the subkey is derived.</summary>
    internal const int StateSize = 96;

    private const int KeyOffset = 0;
    private const int PrefixOffset = 32;
    private const int SubkeyOffset = 48;
    private const int InnerNonceOffset = 80;
    private const int DerivedOffset = 92;
    private const int PrefixSize = 16;
    private readonly byte[] _state = GC.AllocateArray<byte>(StateSize, pinned: true);

    /// <summary>Sets the key (32 bytes); the cached subkey is forgotten.</summary>
    public void Set(ReadOnlySpan<byte> key) => SetKey(_state, key);

    /// <summary>Seals as <see cref="XChaCha20Poly1305.Seal"/> does, with this key.</summary>
    public void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> ciphertext)
        => Seal(_state, nonce, plaintext, associatedData, ciphertext);

    /// <summary>Opens as <see cref="XChaCha20Poly1305.TryOpen"/> does, with this key.</summary>
    public bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
        => TryOpen(_state, nonce, ciphertext, associatedData, plaintext);

    /// <summary>Wipes the key and the subkey.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_state);

    /// <summary>Sets the key of a <see cref="StateSize"/>-byte state, wiping what it held.</summary>
    internal static void SetKey(Span<byte> state, ReadOnlySpan<byte> key)
    {
        Sodium.CheckLength(key.Length, XChaCha20Poly1305.KeySize, nameof(key));
        Sodium.CheckLength(state.Length, StateSize, nameof(state));
        CryptographicOperations.ZeroMemory(state);
        key.CopyTo(state[KeyOffset..]);
    }

    /// <summary>The 32-byte key a state was set with.</summary>
    internal static ReadOnlySpan<byte> KeyOf(ReadOnlySpan<byte> state)
    {
        Sodium.CheckLength(state.Length, StateSize, nameof(state));
        return state.Slice(KeyOffset, XChaCha20Poly1305.KeySize);
    }

    /// <summary>
    /// Seals with the key of a state set by <see cref="SetKey"/>: up to <see cref="XChaCha20Poly1305.ManagedMaxLength"/>
    /// bytes in managed code where AVX2 exists, else with libsodium's IETF AEAD under the subkey, on the raw bytes of the
    /// state (NSec's AEADs take only a <c>Key</c> of their own: <see cref="LibsodiumNative"/>).
    /// </summary>
    internal static void Seal(Span<byte> state, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> ciphertext)
    {
        Sodium.CheckLength(nonce.Length, XChaCha20Poly1305.NonceSize, nameof(nonce));
        Sodium.CheckLength(ciphertext.Length, plaintext.Length + XChaCha20Poly1305.TagSize, nameof(ciphertext));
        var subkey = Subkey(state, nonce);
        if (plaintext.Length <= XChaCha20Poly1305.ManagedMaxLength && XChaCha20Poly1305Managed.IsSupported)
        {
            XChaCha20Poly1305Managed.SealWithSubkey(subkey, nonce, plaintext, associatedData, ciphertext);
            return;
        }

        fixed (byte* k = state.Slice(SubkeyOffset, XChaCha20Poly1305.KeySize))
        fixed (byte* n = InnerNonce(state, nonce))
        fixed (byte* m = plaintext)
        fixed (byte* ad = associatedData)
        fixed (byte* c = ciphertext)
        {
            ulong length;
            Sodium.Check(LibsodiumNative.crypto_aead_chacha20poly1305_ietf_encrypt(
                c, &length, m, (ulong)plaintext.Length, ad, (ulong)associatedData.Length, null, n, k),
                "crypto_aead_chacha20poly1305_ietf_encrypt");
        }
    }

    /// <summary>Opens with the key of a state set by <see cref="SetKey"/>.</summary>
    internal static bool TryOpen(Span<byte> state, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        Sodium.CheckLength(nonce.Length, XChaCha20Poly1305.NonceSize, nameof(nonce));
        if (ciphertext.Length < XChaCha20Poly1305.TagSize || plaintext.Length != ciphertext.Length - XChaCha20Poly1305.TagSize)
        {
            return false;
        }

        var subkey = Subkey(state, nonce);
        if (plaintext.Length <= XChaCha20Poly1305.ManagedMaxLength && XChaCha20Poly1305Managed.IsSupported)
        {
            return XChaCha20Poly1305Managed.TryOpenWithSubkey(subkey, nonce, ciphertext, associatedData, plaintext);
        }

        fixed (byte* k = state.Slice(SubkeyOffset, XChaCha20Poly1305.KeySize))
        fixed (byte* n = InnerNonce(state, nonce))
        fixed (byte* m = plaintext)
        fixed (byte* ad = associatedData)
        fixed (byte* c = ciphertext)
        {
            ulong length;
            return LibsodiumNative.crypto_aead_chacha20poly1305_ietf_decrypt(
                m, &length, null, c, (ulong)ciphertext.Length, ad, (ulong)associatedData.Length, n, k) == 0;
        }
    }

    /// <summary>The subkey of <paramref name="nonce"/>[0..16] as eight words, derived only when the prefix changed.</summary>
    private static ReadOnlySpan<uint> Subkey(Span<byte> state, ReadOnlySpan<byte> nonce)
    {
        Sodium.CheckLength(state.Length, StateSize, nameof(state));
        var prefix = state.Slice(PrefixOffset, PrefixSize);
        var subkey = MemoryMarshal.Cast<byte, uint>(state.Slice(SubkeyOffset, XChaCha20Poly1305.KeySize));
        if (state[DerivedOffset] == 0 || !nonce[..PrefixSize].SequenceEqual(prefix))
        {
            // Words in machine order are the subkey's bytes for libsodium: the engine runs on little-endian machines only.
            ChaCha20Core.HChaCha20(state.Slice(KeyOffset, XChaCha20Poly1305.KeySize), nonce[..PrefixSize], subkey);
            nonce[..PrefixSize].CopyTo(prefix);
            state[DerivedOffset] = 1;
        }

        return subkey;
    }

    /// <summary>libsodium's RFC 8439 nonce under the subkey: 0x00000000 || nonce[16..24].</summary>
    private static Span<byte> InnerNonce(Span<byte> state, ReadOnlySpan<byte> nonce)
    {
        var inner = state.Slice(InnerNonceOffset, 12);
        inner[..4].Clear();
        nonce[16..].CopyTo(inner[4..]);
        return inner;
    }
}
