using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Storage;

namespace Tern.Engine.Crypto;

/// <summary>
/// A domain's two keys: Ed25519 for identity (descriptor, receipts, ledger) and X25519 for agreement
/// (notifications are sealed to it). Secret material lives in pinned arrays that are zeroed on dispose.
/// </summary>
public sealed class DomainKeySet : IDisposable
{
    /// <summary>File name of the secret key set inside a data directory (mode 0600).</summary>
    public const string SecretFileName = "domain.key";
    /// <summary>File name of the public half (mode 0644), safe to share.</summary>
    public const string PublicFileName = "domain.pub";

    private const string Header = "# Tern domain key set v1. SECRET: anyone holding this file can act as the domain.";

    private readonly byte[] _signingSeed = GC.AllocateArray<byte>(Ed25519.SeedSize, pinned: true);
    private readonly byte[] _signingSecret = GC.AllocateArray<byte>(Ed25519.SecretKeySize, pinned: true);
    private readonly byte[] _signingPublic = new byte[Ed25519.PublicKeySize];
    private readonly byte[] _agreementSecret = GC.AllocateArray<byte>(X25519.SecretKeySize, pinned: true);
    private readonly byte[] _agreementPublic = new byte[X25519.PublicKeySize];

    private DomainKeySet(string domain, ReadOnlySpan<byte> signingSeed, ReadOnlySpan<byte> agreementSecret, DateTimeOffset createdAt)
    {
        Domain = DomainName.Normalize(domain);
        CreatedAt = createdAt;
        signingSeed.CopyTo(_signingSeed);
        agreementSecret.CopyTo(_agreementSecret);
        Ed25519.KeyPairFromSeed(_signingSeed, _signingPublic, _signingSecret);
        X25519.PublicKeyFromSecret(_agreementSecret, _agreementPublic);
    }

    /// <summary>The domain these keys speak for, lower-case.</summary>
    public string Domain { get; }

    /// <summary>When the key set was generated.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Ed25519 public key.</summary>
    public ReadOnlySpan<byte> SigningPublicKey => _signingPublic;

    /// <summary>X25519 public key.</summary>
    public ReadOnlySpan<byte> AgreementPublicKey => _agreementPublic;

    internal ReadOnlySpan<byte> SigningSecretKey => _signingSecret;

    internal ReadOnlySpan<byte> AgreementSecretKey => _agreementSecret;

    /// <summary>The identity fingerprint (<see cref="KeyFingerprint"/>) as base64url.</summary>
    public string Fingerprint => KeyFingerprint.ToText(_signingPublic);

    /// <summary>Generates a fresh key set from the CSPRNG.</summary>
    public static DomainKeySet Generate(string domain, TimeProvider? clock = null)
    {
        Span<byte> seed = stackalloc byte[Ed25519.SeedSize];
        Span<byte> agreement = stackalloc byte[X25519.SecretKeySize];
        SecureRandom.Fill(seed);
        SecureRandom.Fill(agreement);
        try
        {
            return new DomainKeySet(domain, seed, agreement, TruncateToSeconds((clock ?? TimeProvider.System).GetUtcNow()));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(agreement);
        }
    }

    /// <summary>Builds a key set from known secrets (test vectors, restores).</summary>
    public static DomainKeySet FromSecrets(string domain, ReadOnlySpan<byte> signingSeed, ReadOnlySpan<byte> agreementSecret, DateTimeOffset createdAt)
    {
        Sodium.CheckLength(signingSeed.Length, Ed25519.SeedSize, nameof(signingSeed));
        Sodium.CheckLength(agreementSecret.Length, X25519.SecretKeySize, nameof(agreementSecret));
        return new DomainKeySet(domain, signingSeed, agreementSecret, createdAt);
    }

    /// <summary>Signs <paramref name="message"/> with the domain's identity key.</summary>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature) => Ed25519.Sign(_signingSecret, message, signature);

    /// <summary>
    /// Writes <see cref="SecretFileName"/> (0600) and <see cref="PublicFileName"/> (0644) into <paramref name="directory"/>,
    /// each atomically. Refuses to overwrite an existing secret file.
    /// </summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var secretPath = Path.Combine(directory, SecretFileName);
        if (File.Exists(secretPath))
        {
            throw new IOException($"{secretPath} already exists; refusing to overwrite a domain key set.");
        }

        var secret = new StringBuilder()
            .AppendLine(Header)
            .Append("domain: ").AppendLine(Domain)
            .Append("created: ").AppendLine(CreatedAt.ToString("O", CultureInfo.InvariantCulture))
            .Append("signing-seed: ").AppendLine(Base64Url.EncodeToString(_signingSeed))
            .Append("agreement-secret: ").AppendLine(Base64Url.EncodeToString(_agreementSecret))
            .ToString();
        AtomicFile.Write(secretPath, Encoding.UTF8.GetBytes(secret), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.Write(Path.Combine(directory, PublicFileName), Encoding.UTF8.GetBytes(PublicText()),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>The public half as text: domain, keys and fingerprint.</summary>
    public string PublicText() => new StringBuilder()
        .AppendLine("# Tern domain public keys v1")
        .Append("domain: ").AppendLine(Domain)
        .Append("created: ").AppendLine(CreatedAt.ToString("O", CultureInfo.InvariantCulture))
        .Append("signing-public: ").AppendLine(Base64Url.EncodeToString(_signingPublic))
        .Append("agreement-public: ").AppendLine(Base64Url.EncodeToString(_agreementPublic))
        .Append("fingerprint: ").AppendLine(Fingerprint)
        .ToString();

    /// <summary>Loads the key set saved in <paramref name="directory"/>; errors name the file and the problem.</summary>
    public static DomainKeySet Load(string directory)
    {
        var path = Path.Combine(directory, SecretFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No domain key set at {path}; run 'tern init' to create one.", path);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new UnauthorizedAccessException($"{path} is readable by other users; run 'chmod 600 {path}'.");
        }

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

        var seed = DecodeField(path, fields, "signing-seed", Ed25519.SeedSize);
        var agreement = DecodeField(path, fields, "agreement-secret", X25519.SecretKeySize);
        try
        {
            var domain = fields.TryGetValue("domain", out var d) ? d : throw new InvalidDataException($"{path}: missing 'domain'.");
            var created = fields.TryGetValue("created", out var c) && DateTimeOffset.TryParse(c, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at
                : throw new InvalidDataException($"{path}: missing or invalid 'created'.");
            return new DomainKeySet(domain, seed, agreement, created);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(agreement);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_signingSeed);
        CryptographicOperations.ZeroMemory(_signingSecret);
        CryptographicOperations.ZeroMemory(_agreementSecret);
    }

    private static byte[] DecodeField(string path, Dictionary<string, string> fields, string name, int size)
    {
        if (!fields.TryGetValue(name, out var text))
        {
            throw new InvalidDataException($"{path}: missing '{name}'.");
        }

        var bytes = GC.AllocateArray<byte>(size, pinned: true);
        if (!CanonicalBase64Url.TryDecode(text, bytes, out var written) || written != size)
        {
            throw new InvalidDataException($"{path}: '{name}' is not {size} bytes of base64url.");
        }

        return bytes;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());
}
