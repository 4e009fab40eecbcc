using System.Security.Cryptography;
using NSec.Cryptography;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Keys;

/// <summary>
/// The <c>name: value</c> lines of a domain key file and its two secrets. The current format (v2) holds each key as
/// base64url PKCS#8 (<see cref="KeyBlobFormat.PkixPrivateKey"/>), which names its algorithm, so a swapped or foreign key
/// is refused; v1 files, written before Tern moved to NSec, hold the raw Ed25519 seed and X25519 scalar
/// (<see cref="KeyBlobFormat.RawPrivateKey"/>) and still load.
/// </summary>
internal static class KeyFileFields
{
    /// <summary>v2: the Ed25519 key as PKCS#8.</summary>
    public const string SigningKey = "signing-key";
    /// <summary>v2: the X25519 key as PKCS#8.</summary>
    public const string AgreementKey = "agreement-key";
    /// <summary>v1: the raw Ed25519 seed.</summary>
    public const string SigningSeed = "signing-seed";
    /// <summary>v1: the raw X25519 scalar.</summary>
    public const string AgreementSecret = "agreement-secret";

    // A PKCS#8 blob of an Ed25519 or X25519 key is 48 bytes; room for a little more, never for a whole file.
    private const int MaxBlobSize = 128;

    public static Dictionary<string, string> Read(string path)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"{path}: malformed line '{line}' (expected 'name: value').");
            }

            fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return fields;
    }

    /// <summary>
    /// The key in field <paramref name="current"/> (PKCS#8) or, in a v1 file, <paramref name="legacy"/> (raw); exportable,
    /// so the set can be saved again.
    /// </summary>
    public static Key ImportKey(string path, Dictionary<string, string> fields, Algorithm algorithm, string current, string legacy)
    {
        var (name, format) = fields.ContainsKey(current) ? (current, KeyBlobFormat.PkixPrivateKey)
            : fields.ContainsKey(legacy) ? (legacy, KeyBlobFormat.RawPrivateKey)
            : throw new InvalidDataException($"{path}: missing '{current}'.");
        Span<byte> blob = stackalloc byte[MaxBlobSize];
        var length = 0;
        try
        {
            if (!CanonicalBase64Url.TryDecode(fields[name], blob, out length))
            {
                throw new InvalidDataException($"{path}: '{name}' is not canonical base64url of at most {MaxBlobSize} bytes.");
            }

            var parameters = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
            return Key.TryImport(algorithm, blob[..length], format, out var key, parameters)
                ? key!
                : throw new InvalidDataException(format == KeyBlobFormat.RawPrivateKey
                    ? $"{path}: '{name}' is not a 32-byte key."
                    : $"{path}: '{name}' is not a PKCS#8 {AlgorithmName(algorithm)} private key.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blob[..length]);
        }
    }

    private static string AlgorithmName(Algorithm algorithm) => algorithm is KeyAgreementAlgorithm ? "X25519" : "Ed25519";
}
