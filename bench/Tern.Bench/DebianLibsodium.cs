using System.Runtime.InteropServices;

namespace Tern.Bench;

/// <summary>
/// Debian's libsodium (1.0.18, package libsodium23, installed by <c>make bench-deps</c> for this comparison only: the
/// engine runs on the libsodium NSec.Cryptography ships). Loaded by its soname, so it can never be NSec's
/// <c>libsodium.so</c>.
/// </summary>
internal static unsafe partial class DebianLibsodium
{
    private const string Library = "libsodium.so.23";

    [LibraryImport(Library, EntryPoint = "sodium_init")]
    internal static partial int sodium_init();

    [LibraryImport(Library, EntryPoint = "crypto_aead_xchacha20poly1305_ietf_encrypt")]
    internal static partial int crypto_aead_xchacha20poly1305_ietf_encrypt(
        byte* c, ulong* clen, byte* m, ulong mlen, byte* ad, ulong adlen, byte* nsec, byte* npub, byte* k);

    [LibraryImport(Library, EntryPoint = "crypto_aead_xchacha20poly1305_ietf_decrypt")]
    internal static partial int crypto_aead_xchacha20poly1305_ietf_decrypt(
        byte* m, ulong* mlen, byte* nsec, byte* c, ulong clen, byte* ad, ulong adlen, byte* npub, byte* k);

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult")]
    internal static partial int crypto_scalarmult(byte* q, byte* n, byte* p);

    [LibraryImport(Library, EntryPoint = "crypto_generichash")]
    internal static partial int crypto_generichash(byte* @out, nuint outlen, byte* @in, ulong inlen, byte* key, nuint keylen);
}
