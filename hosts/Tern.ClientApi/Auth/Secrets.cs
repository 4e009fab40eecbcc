using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tern.ClientApi.Auth;

/// <summary>
/// The secrets of device authentication (docs/C2S.md §5): device tokens <c>tern_d_</c> and session tokens
/// <c>tern_s_</c> (256 random bits each), enrolment codes <c>tern_c_</c> (128 bits) and device ids (128 bits), all
/// base64url. The node keeps only their SHA-256 and compares it in constant time.
/// </summary>
internal static class Secrets
{
    public const string DevicePrefix = "tern_d_";
    public const string SessionPrefix = "tern_s_";
    public const string CodePrefix = "tern_c_";

    /// <summary>Longest secret text looked at.</summary>
    public const int MaxLength = 128;

    public static string NewDeviceToken() => DevicePrefix + Random(32);

    public static string NewSessionToken() => SessionPrefix + Random(32);

    public static string NewCode() => CodePrefix + Random(16);

    public static string NewDeviceId() => Random(16);

    /// <summary>The device id the operator's token of the users file maps to: derived from its hash, so it is stable across restarts.</summary>
    public static string OperatorDeviceId(ReadOnlySpan<byte> tokenHash)
    {
        Span<byte> input = stackalloc byte[32 + 16];
        "tern operator dev"u8.CopyTo(input);
        tokenHash.CopyTo(input[16..]);
        return Base64Url.EncodeToString(SHA256.HashData(input).AsSpan(0, 16));
    }

    public static byte[] Hash(ReadOnlySpan<char> secret)
    {
        var hash = new byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret.ToArray()), hash);
        return hash;
    }

    public static string HashHex(ReadOnlySpan<char> secret) => Convert.ToHexStringLower(Hash(secret));

    /// <summary>Whether the SHA-256 of <paramref name="secret"/> is <paramref name="hashHex"/>, compared in constant time.</summary>
    public static bool Matches(ReadOnlySpan<char> secret, string hashHex)
    {
        if (hashHex.Length != 64)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(secret), Convert.FromHexString(hashHex));
    }

    private static string Random(int bytes)
    {
        Span<byte> secret = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(secret);
        return Base64Url.EncodeToString(secret);
    }
}
