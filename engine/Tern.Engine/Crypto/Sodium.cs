using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>Initialises libsodium once per process and checks return codes.</summary>
public static class Sodium
{
    private static readonly Lazy<string> LazyVersion = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The loaded libsodium version; calling it initialises the library.</summary>
    public static string Version => LazyVersion.Value;

    /// <summary>Makes sure <c>sodium_init</c> has run. Cheap after the first call.</summary>
    public static void EnsureInitialized() => _ = LazyVersion.Value;

    private static string Initialize()
    {
        // 0 = initialised now, 1 = already initialised; -1 = failure (no entropy source).
        if (SodiumNative.sodium_init() < 0)
        {
            throw new CryptographicException("sodium_init failed: libsodium could not initialise (no entropy source?).");
        }

        return Marshal.PtrToStringUTF8(SodiumNative.sodium_version_string()) ?? "unknown";
    }

    internal static void Check(int rc, string function)
    {
        if (rc != 0)
        {
            throw new CryptographicException($"{function} failed with return code {rc}.");
        }
    }

    internal static void CheckLength(int actual, int expected, string parameter)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} bytes, got {actual}.", parameter);
        }
    }
}
