using System.Security.Cryptography;
using Tern.Engine.Crypto;

namespace Tern.Cli.Sealing;

/// <summary>
/// A user's X25519 key pair for sealed files: the secret key file holds the 32-byte scalar in base64 (mode 0600), the
/// public one its public key in base64; <c>--seal-to</c> takes that file or the base64 itself.
/// </summary>
internal static class UserKeys
{
    /// <summary>Writes <paramref name="secretPath"/> and <paramref name="secretPath"/>.pub; returns the public key in base64.</summary>
    public static string Generate(string secretPath)
    {
        if (File.Exists(secretPath))
        {
            throw new CliException($"--out {secretPath}: the file exists; refusing to replace a key");
        }

        // Line 1 the X25519 secret (what the first key files held alone, so they still open sealed payloads), line 2
        // the Ed25519 seed that signs envelopes (docs/PROTOCOL.md §15).
        var secret = new byte[X25519.SecretKeySize];
        var seed = new byte[Ed25519.SeedSize];
        var publicKey = new byte[X25519.PublicKeySize];
        try
        {
            SecureRandom.Fill(secret);
            SecureRandom.Fill(seed);
            X25519.PublicKeyFromSecret(secret, publicKey);
            using (var stream = new FileStream(secretPath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(Convert.ToBase64String(secret));
                writer.WriteLine(Convert.ToBase64String(seed));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(seed);
        }

        var text = Convert.ToBase64String(publicKey);
        File.WriteAllText(secretPath + ".pub", text + "\n");
        return text;
    }

    public static byte[] ReadPublic(string value, string option) => Read(value, option, "public");

    public static byte[] ReadSecret(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{option} {path}: no such file");
        }

        return Read(path, option, "secret");
    }

    private static byte[] Read(string value, string option, string kind)
    {
        // A key file's first line is its X25519 key; a signing seed may follow on the second.
        var text = File.Exists(value) ? File.ReadAllLines(value).FirstOrDefault(l => l.Length > 0)?.Trim() ?? "" : value.Trim();
        var key = new byte[X25519.PublicKeySize];
        if (!Convert.TryFromBase64String(text, key, out var written) || written != key.Length)
        {
            throw new CliException($"{option}: not a file or base64 text holding a 32-byte X25519 {kind} key");
        }

        return key;
    }
}
