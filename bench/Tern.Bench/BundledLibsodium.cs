using System.Reflection;
using System.Runtime.InteropServices;

namespace Tern.Bench;

/// <summary>Functions of the libsodium NSec.Cryptography ships, resolved as NSec resolves it, for comparisons on spans.</summary>
internal static unsafe partial class BundledLibsodium
{
    private const string Library = "libsodium";

    static BundledLibsodium()
    {
        NativeLibrary.SetDllImportResolver(typeof(BundledLibsodium).Assembly, Resolve);
        _ = NSec.Cryptography.KeyAgreementAlgorithm.X25519; // NSec's start-up runs sodium_init
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        => name == Library ? NativeLibrary.Load(Library, typeof(NSec.Cryptography.Key).Assembly, path) : IntPtr.Zero;

    [LibraryImport(Library, EntryPoint = "crypto_scalarmult")]
    internal static partial int crypto_scalarmult(byte* q, byte* n, byte* p);

    [LibraryImport(Library, EntryPoint = "crypto_generichash")]
    internal static partial int crypto_generichash(byte* @out, nuint outlen, byte* @in, ulong inlen, byte* key, nuint keylen);
}
