using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Tern.ClientApi.Auth;

/// <summary>
/// Passwords as Argon2id hashes (docs/C2S.md §5: libsodium's <c>crypto_pwhash</c> through NSec, 3 passes over 64 MiB,
/// one lane), written <c>argon2id$t=3,m=65536,p=1$&lt;salt&gt;$&lt;hash&gt;</c> with base64url salt (16 bytes) and hash
/// (32 bytes); checked by deriving again and comparing in constant time.
/// </summary>
internal static class PasswordHash
{
    public const int MinLength = 8;
    public const int MaxLength = 1024;
    private const int Passes = 3;
    private const int MemoryKiB = 64 * 1024;

    private static readonly PasswordBasedKeyDerivationAlgorithm Argon2 = PasswordBasedKeyDerivationAlgorithm.Argon2id(
        new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = MemoryKiB, NumberOfPasses = Passes });

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(Argon2.MaxSaltSize >= 16 ? 16 : Argon2.MaxSaltSize);
        var hash = Argon2.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, 32);
        return $"argon2id$t={Passes},m={MemoryKiB},p=1${Base64Url.EncodeToString(salt)}${Base64Url.EncodeToString(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "argon2id" || parts[1] != $"t={Passes},m={MemoryKiB},p=1")
        {
            return false;
        }

        var salt = Base64Url.DecodeFromChars(parts[2]);
        var expected = Base64Url.DecodeFromChars(parts[3]);
        var actual = Argon2.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
