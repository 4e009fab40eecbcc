using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tern.ClientApi.Users;

/// <summary>
/// Operators' bearer tokens: 256 random bits as <c>tern_u_</c> + base64url; the server keeps only their SHA-256. Tokens
/// issued before the <c>u_</c> were <c>tern_</c> + base64url, so one in 2048 of them begins like a device or session token
/// (<c>tern_d_</c>, <c>tern_s_</c>): <see cref="Auth.Authenticator"/> still looks those up in the users file.
/// </summary>
internal static class UserToken
{
    public const string Prefix = "tern_u_";

    /// <summary>Longest token text looked at (longer is refused before hashing).</summary>
    public const int MaxLength = 128;

    public static string New()
    {
        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        return Prefix + Base64Url.EncodeToString(secret);
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Hashes <paramref name="token"/> into <paramref name="hash"/> (32 bytes) without allocating; false when it is too long.</summary>
    public static bool TryHash(ReadOnlySpan<char> token, Span<byte> hash)
    {
        if (token.Length is 0 or > MaxLength)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxLength * 3];
        var length = Encoding.UTF8.GetBytes(token, utf8);
        SHA256.HashData(utf8[..length], hash);
        return true;
    }

    /// <summary>The lookup key of a token hash: its first 8 bytes. The full hash is then compared in constant time.</summary>
    public static ulong LookupKey(ReadOnlySpan<byte> hash) => BinaryPrimitives.ReadUInt64LittleEndian(hash);
}
