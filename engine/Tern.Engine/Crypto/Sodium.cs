using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>The libsodium NSec.Cryptography ships, as Tern sees it: its version, and the checks the wrappers share.</summary>
public static class Sodium
{
    private static readonly Lazy<string> LazyVersion = new(
        () => Marshal.PtrToStringUTF8(LibsodiumNative.sodium_version_string()) ?? "unknown", LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The version of the loaded libsodium (NSec's bundled build).</summary>
    public static string Version => LazyVersion.Value;

    /// <summary>The version of NSec.Cryptography.</summary>
    public static string NsecVersion => typeof(NSec.Cryptography.Key).Assembly.GetName().Version?.ToString(3) ?? "unknown";

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
