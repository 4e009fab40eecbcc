using System.Security.Cryptography;
using System.Text;
using Tern.Node;

namespace Tern.Admin;

/// <summary>
/// The admin surface's bearer token: <c>keys/admin.token</c> (0600) in the data directory, written by <c>tern init</c> (or by
/// the first start with a loopback listener) and printed by <c>tern admin token</c>. The node keeps only its SHA-256 and
/// compares in constant time.
/// </summary>
public sealed class AdminToken
{
    private const string Prefix = "tern_admin_";
    private readonly byte[] _hash;

    private AdminToken(string token) => _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>True when <paramref name="presented"/> is the token.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        if (presented.Length == 0 || presented.Length > 256)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[presented.Length * 3];
        var length = Encoding.UTF8.GetBytes(presented, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }

    /// <summary>Reads the token of <paramref name="dataDirectory"/>, or null when it has none (or an empty file).</summary>
    public static string? Read(string dataDirectory)
    {
        var file = TernDataDirectory.AdminTokenFile(dataDirectory);
        return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } token ? token : null;
    }

    /// <summary>Writes a new random token (0600) unless one exists; returns the token in the file.</summary>
    public static string Ensure(string dataDirectory)
    {
        if (Read(dataDirectory) is { } existing)
        {
            return existing;
        }

        var file = TernDataDirectory.AdminTokenFile(dataDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var token = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var temporary = file + ".tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            stream.Write(Encoding.UTF8.GetBytes(token + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, file, overwrite: false);
        return token;
    }

    /// <summary>The check for <paramref name="token"/>.</summary>
    public static AdminToken For(string token) => new(token);
}
