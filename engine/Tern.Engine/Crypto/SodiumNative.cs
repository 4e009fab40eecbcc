using System.Reflection;
using System.Runtime.InteropServices;

namespace Tern.Engine.Crypto;

/// <summary>
/// The libsodium entry points Tern uses, and nothing else. Callers go through the typed wrappers
/// (<see cref="Ed25519"/>, <see cref="X25519"/>, <see cref="XChaCha20Poly1305"/>, <see cref="Blake2b"/>),
/// which check sizes and return codes.
/// </summary>
internal static unsafe partial class SodiumNative
{
    private const string Library = "libsodium";

    // Debian ships only the versioned soname (libsodium.so.23) unless libsodium-dev is installed.
    private static readonly string[] Candidates = ["libsodium.so.23", "libsodium.so.26", "libsodium.so", "libsodium.dylib", "libsodium"];

    static SodiumNative() => NativeLibrary.SetDllImportResolver(typeof(SodiumNative).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException("libsodium is not installed: install the Debian package libsodium23 (make deps does).");
    }

    [LibraryImport(Library, EntryPoint = "sodium_init")]
    internal static partial int sodium_init();

    [LibraryImport(Library, EntryPoint = "sodium_version_string")]
    internal static partial IntPtr sodium_version_string();

    [LibraryImport(Library, EntryPoint = "randombytes_buf")]
    internal static partial void randombytes_buf(byte* buf, nuint size);

    [LibraryImport(Library, EntryPoint = "crypto_sign_seed_keypair")]
    internal static partial int crypto_sign_seed_keypair(byte* pk, byte* sk, byte* seed);

    [LibraryImport(Library, EntryPoint = "crypto_sign_detached")]
    internal static partial int crypto_sign_detached(byte* sig, ulong* siglen, byte* m, ulong mlen, byte* sk);

    [LibraryImport(Library, EntryPoint = "crypto_sign_verify_detached")]
    internal static partial int crypto_sign_verify_detached(byte* sig, byte* m, ulong mlen, byte* pk);

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult_base")]
    internal static partial int crypto_scalarmult_base(byte* q, byte* n);

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult")]
    internal static partial int crypto_scalarmult(byte* q, byte* n, byte* p);

    [LibraryImport(Library, EntryPoint = "crypto_aead_xchacha20poly1305_ietf_encrypt")]
    internal static partial int crypto_aead_xchacha20poly1305_ietf_encrypt(
        byte* c, ulong* clen, byte* m, ulong mlen, byte* ad, ulong adlen, byte* nsec, byte* npub, byte* k);

    [LibraryImport(Library, EntryPoint = "crypto_aead_xchacha20poly1305_ietf_decrypt")]
    internal static partial int crypto_aead_xchacha20poly1305_ietf_decrypt(
        byte* m, ulong* mlen, byte* nsec, byte* c, ulong clen, byte* ad, ulong adlen, byte* npub, byte* k);

    [LibraryImport(Library, EntryPoint = "crypto_aead_chacha20poly1305_ietf_encrypt")]
    internal static partial int crypto_aead_chacha20poly1305_ietf_encrypt(
        byte* c, ulong* clen, byte* m, ulong mlen, byte* ad, ulong adlen, byte* nsec, byte* npub, byte* k);

    [LibraryImport(Library, EntryPoint = "crypto_aead_chacha20poly1305_ietf_decrypt")]
    internal static partial int crypto_aead_chacha20poly1305_ietf_decrypt(
        byte* m, ulong* mlen, byte* nsec, byte* c, ulong clen, byte* ad, ulong adlen, byte* npub, byte* k);

    [LibraryImport(Library, EntryPoint = "crypto_generichash")]
    internal static partial int crypto_generichash(byte* @out, nuint outlen, byte* @in, ulong inlen, byte* key, nuint keylen);

    [LibraryImport(Library, EntryPoint = "crypto_generichash_statebytes")]
    internal static partial nuint crypto_generichash_statebytes();

    [LibraryImport(Library, EntryPoint = "crypto_generichash_init")]
    internal static partial int crypto_generichash_init(void* state, byte* key, nuint keylen, nuint outlen);

    [LibraryImport(Library, EntryPoint = "crypto_generichash_update")]
    internal static partial int crypto_generichash_update(void* state, byte* @in, ulong inlen);

    [LibraryImport(Library, EntryPoint = "crypto_generichash_final")]
    internal static partial int crypto_generichash_final(void* state, byte* @out, nuint outlen);
}
