using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;
// The engine's Ed25519 and X25519 (Crypto/), not NSec's classes of the same names.
using Ed25519 = Tern.Engine.Crypto.Ed25519;
using X25519 = Tern.Engine.Crypto.X25519;

namespace Tern.Engine.Keys;

/// <summary>
/// A domain's two keys: Ed25519 for identity (descriptor, receipts, ledger) and X25519 for agreement (notifications
/// are sealed to it). The secret halves are NSec keys (guarded memory, freed and wiped on dispose); the key file holds
/// them as PKCS#8 (NSec's <see cref="KeyBlobFormat.PkixPrivateKey"/>, RFC 8410), and files of the first format, raw
/// seed and scalar, still load.
/// </summary>
public sealed class DomainKeySet : IDomainKeys, IDisposable
{
    /// <summary>File name of the secret key set inside a data directory (mode 0600).</summary>
    public const string SecretFileName = "domain.key";
    /// <summary>File name of the public half (mode 0644), safe to share.</summary>
    public const string PublicFileName = "domain.pub";

    private const string Header = "# Tern domain key set v2. SECRET: anyone holding this file can act as the domain.";

    private readonly Key _signing;
    private readonly Key _agreement;
    private readonly byte[] _signingPublic = new byte[Ed25519.PublicKeySize];
    private readonly byte[] _agreementPublic = new byte[X25519.PublicKeySize];

    private DomainKeySet(string domain, Key signing, Key agreement, DateTimeOffset createdAt)
    {
        try
        {
            Domain = DomainName.Normalize(domain);
        }
        catch
        {
            signing.Dispose();
            agreement.Dispose();
            throw;
        }

        CreatedAt = createdAt;
        _signing = signing;
        _agreement = agreement;
        Ed25519.PublicKeyOf(signing, _signingPublic);
        X25519.PublicKeyOf(agreement, _agreementPublic);
    }

    /// <summary>The domain these keys speak for, lower-case.</summary>
    public string Domain { get; }

    /// <summary>When the key set was generated.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Ed25519 public key.</summary>
    public ReadOnlySpan<byte> SigningPublicKey => _signingPublic;

    /// <summary>X25519 public key.</summary>
    public ReadOnlySpan<byte> AgreementPublicKey => _agreementPublic;

    /// <summary>The X25519 secret, for the agreements of <see cref="Protocol.Notification.NotificationKey"/>.</summary>
    internal Key AgreementKey => _agreement;

    Key IDomainKeys.AgreementKey => _agreement;

    /// <summary>The identity fingerprint (<see cref="KeyFingerprint"/>) as base64url.</summary>
    public string Fingerprint => KeyFingerprint.ToText(_signingPublic);

    /// <summary>Generates a fresh key set from the CSPRNG.</summary>
    public static DomainKeySet Generate(string domain, TimeProvider? clock = null)
        => new(domain, Ed25519.Generate(exportable: true), X25519.Generate(exportable: true),
            TruncateToSeconds((clock ?? TimeProvider.System).GetUtcNow()));

    /// <summary>Builds a key set from known secrets (test vectors, restores): the Ed25519 seed and the X25519 scalar.</summary>
    public static DomainKeySet FromSecrets(string domain, ReadOnlySpan<byte> signingSeed, ReadOnlySpan<byte> agreementSecret, DateTimeOffset createdAt)
    {
        var signing = Ed25519.ImportSeed(signingSeed, exportable: true);
        Key agreement;
        try
        {
            agreement = X25519.ImportSecret(agreementSecret, exportable: true);
        }
        catch
        {
            signing.Dispose();
            throw;
        }

        return new DomainKeySet(domain, signing, agreement, createdAt);
    }

    /// <summary>Signs <paramref name="message"/> with the domain's identity key.</summary>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature) => Ed25519.Sign(_signing, message, signature);

    /// <summary>
    /// Writes <see cref="SecretFileName"/> (0600) and <see cref="PublicFileName"/> (0644) into <paramref name="directory"/>,
    /// each atomically. Refuses to overwrite an existing secret file.
    /// </summary>
    public void Save(string directory) => Save(directory, SecretFileName, PublicFileName);

    /// <summary>
    /// Writes the secret file <paramref name="secretFileName"/> (0600) and the public <paramref name="publicFileName"/> (0644)
    /// into <paramref name="directory"/>, each atomically: the next key set of a rotation lives beside the current one
    /// (<see cref="DomainKeyRotation"/>). Refuses to overwrite an existing secret file.
    /// </summary>
    public void Save(string directory, string secretFileName, string publicFileName)
    {
        Directory.CreateDirectory(directory);
        var secretPath = Path.Combine(directory, secretFileName);
        if (File.Exists(secretPath))
        {
            throw new IOException($"{secretPath} already exists; refusing to overwrite a domain key set.");
        }

        var signing = _signing.Export(KeyBlobFormat.PkixPrivateKey);
        var agreement = _agreement.Export(KeyBlobFormat.PkixPrivateKey);
        byte[]? text = null;
        try
        {
            text = Encoding.UTF8.GetBytes(new StringBuilder()
                .AppendLine(Header)
                .Append("domain: ").AppendLine(Domain)
                .Append("created: ").AppendLine(CreatedAt.ToString("O", CultureInfo.InvariantCulture))
                .Append(KeyFileFields.SigningKey).Append(": ").AppendLine(Base64Url.EncodeToString(signing))
                .Append(KeyFileFields.AgreementKey).Append(": ").AppendLine(Base64Url.EncodeToString(agreement))
                .ToString());
            AtomicFile.Write(secretPath, text, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signing);
            CryptographicOperations.ZeroMemory(agreement);
            CryptographicOperations.ZeroMemory(text);
        }

        AtomicFile.Write(Path.Combine(directory, publicFileName), Encoding.UTF8.GetBytes(PublicText()),
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

    /// <summary>Loads the key set saved in <paramref name="directory"/> (either format); errors name the file and the problem.</summary>
    public static DomainKeySet Load(string directory) => Load(directory, SecretFileName);

    /// <summary>Loads the key set saved in <paramref name="directory"/> under <paramref name="secretFileName"/> (either format).</summary>
    public static DomainKeySet Load(string directory, string secretFileName)
    {
        var path = Path.Combine(directory, secretFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No domain key set at {path}; run 'tern init' to create one.", path);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new UnauthorizedAccessException($"{path} is readable by other users; run 'chmod 600 {path}'.");
        }

        var fields = KeyFileFields.Read(path);
        var domain = fields.TryGetValue("domain", out var d) ? d : throw new InvalidDataException($"{path}: missing 'domain'.");
        var created = fields.TryGetValue("created", out var c) && DateTimeOffset.TryParse(c, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new InvalidDataException($"{path}: missing or invalid 'created'.");
        var signing = KeyFileFields.ImportKey(path, fields, SignatureAlgorithm.Ed25519, KeyFileFields.SigningKey, KeyFileFields.SigningSeed);
        Key agreement;
        try
        {
            agreement = KeyFileFields.ImportKey(path, fields, KeyAgreementAlgorithm.X25519, KeyFileFields.AgreementKey, KeyFileFields.AgreementSecret);
        }
        catch
        {
            signing.Dispose();
            throw;
        }

        return new DomainKeySet(domain, signing, agreement, created);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _signing.Dispose();
        _agreement.Dispose();
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());
}
