using System.Reflection;
using System.Runtime.InteropServices;

namespace Tern.Engine.Crypto;

/// <summary>
/// The few libsodium functions Tern calls without going through NSec's API, in the libsodium build NSec.Cryptography
/// ships (resolved exactly as NSec resolves it, never a library of the distribution). Each is a case NSec's API does
/// not cover, named in docs/ARCHITECTURE.md §2:
/// <list type="bullet">
/// <item>the IETF ChaCha20-Poly1305 AEAD on a raw key: a per-peer key is 96 bytes of a pinned array, and NSec's AEADs
/// take only a <c>Key</c>, each its own <c>sodium_malloc</c> mapping (perf-reports/codec.md);</item>
/// <item>X25519 and keyed BLAKE2b into the caller's memory, for the notification key (docs/PROTOCOL.md §4.3): NSec's
/// agreement returns its shared secret in <c>sodium_malloc</c>ed memory and its keyed BLAKE2b takes only a <c>Key</c>, which
/// made a derivation 8× slower (800 µs against 96), and it is what a forged datagram under a new key costs;</item>
/// <item><c>sodium_version_string</c>: NSec does not say which libsodium it loaded, and <c>tern version</c> does.</item>
/// </list>
/// </summary>
internal static unsafe partial class LibsodiumNative
{
    private const string Library = "libsodium";

    static LibsodiumNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(LibsodiumNative).Assembly, Resolve);

        // NSec's first algorithm runs sodium_init, which picks libsodium's vector implementations: before it the
        // functions below would run the portable ones (right, but slower).
        _ = NSec.Cryptography.AeadAlgorithm.ChaCha20Poly1305;
    }

    // Loaded in NSec's assembly's context: NSec's deps.json native asset (runtimes/<rid>/native/libsodium.so), the same
    // handle NSec's own calls use. Other names (libc for the storage code) resolve as usual.
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        => name == Library ? NativeLibrary.Load(Library, typeof(NSec.Cryptography.Key).Assembly, path) : IntPtr.Zero;

    [LibraryImport(Library, EntryPoint = "sodium_version_string")]
    internal static partial IntPtr sodium_version_string();

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult")]
    internal static partial int crypto_scalarmult(byte* q, byte* n, byte* p);

    [LibraryImport(Library, EntryPoint = "crypto_generichash")]
    internal static partial int crypto_generichash(byte* @out, nuint outlen, byte* @in, ulong inlen, byte* key, nuint keylen);

    [LibraryImport(Library, EntryPoint = "crypto_aead_chacha20poly1305_ietf_encrypt")]
    internal static partial int crypto_aead_chacha20poly1305_ietf_encrypt(
        byte* c, ulong* clen, byte* m, ulong mlen, byte* ad, ulong adlen, byte* nsec, byte* npub, byte* k);

    [LibraryImport(Library, EntryPoint = "crypto_aead_chacha20poly1305_ietf_decrypt")]
    internal static partial int crypto_aead_chacha20poly1305_ietf_decrypt(
        byte* m, ulong* mlen, byte* nsec, byte* c, ulong clen, byte* ad, ulong adlen, byte* npub, byte* k);
}
