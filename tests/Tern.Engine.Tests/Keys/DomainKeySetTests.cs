using Tern.Engine.Crypto;
using Tern.Engine.Keys;

namespace Tern.Engine.Tests.Keys;

public sealed class DomainKeySetTests : IDisposable
{
    private readonly TempDirectory _temp = new("keys");
    private readonly string _directory;

    public DomainKeySetTests() => _directory = _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Save_then_load_round_trips_with_private_permissions()
    {
        using var keys = DomainKeySet.Generate("A.Example.");
        keys.Save(_directory);

        var secretPath = Path.Combine(_directory, DomainKeySet.SecretFileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretPath));
        Assert.Contains(keys.Fingerprint, File.ReadAllText(Path.Combine(_directory, DomainKeySet.PublicFileName)), StringComparison.Ordinal);

        using var loaded = DomainKeySet.Load(_directory);
        Assert.Equal("a.example", loaded.Domain);
        Assert.Equal(keys.CreatedAt, loaded.CreatedAt);
        Assert.Equal(keys.SigningPublicKey.ToArray(), loaded.SigningPublicKey.ToArray());
        Assert.Equal(keys.AgreementPublicKey.ToArray(), loaded.AgreementPublicKey.ToArray());
        Assert.Equal(keys.Fingerprint, loaded.Fingerprint);

        var signature = new byte[Ed25519.SignatureSize];
        loaded.Sign("descriptor"u8, signature);
        Assert.True(Ed25519.Verify(keys.SigningPublicKey, "descriptor"u8, signature));
    }

    [Fact]
    public void Save_refuses_to_overwrite_an_existing_key_set()
    {
        using var first = DomainKeySet.Generate("a.example");
        using var second = DomainKeySet.Generate("a.example");
        first.Save(_directory);

        var error = Assert.Throws<IOException>(() => second.Save(_directory));
        Assert.Contains("refusing to overwrite", error.Message, StringComparison.Ordinal);
        using var loaded = DomainKeySet.Load(_directory);
        Assert.Equal(first.Fingerprint, loaded.Fingerprint);
    }

    [Fact]
    public void Load_rejects_world_readable_and_corrupt_files_with_a_clear_error()
    {
        using var keys = DomainKeySet.Generate("a.example");
        keys.Save(_directory);
        var path = Path.Combine(_directory, DomainKeySet.SecretFileName);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Contains("chmod 600", Assert.Throws<UnauthorizedAccessException>(() => DomainKeySet.Load(_directory)).Message, StringComparison.Ordinal);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, File.ReadAllText(path).Replace("signing-key: ", "signing-key: x", StringComparison.Ordinal));
        Assert.Contains("signing-key", Assert.Throws<InvalidDataException>(() => DomainKeySet.Load(_directory)).Message, StringComparison.Ordinal);

        Assert.Throws<FileNotFoundException>(() => DomainKeySet.Load(Path.Combine(_directory, "missing")));
    }

    [Theory]
    [InlineData("+")]
    [InlineData(".")]
    [InlineData("=")]
    public void Load_refuses_a_secret_that_is_not_canonical_base64url_with_a_clear_error(string last)
    {
        using var keys = DomainKeySet.Generate("a.example");
        keys.Save(_directory);
        var path = Path.Combine(_directory, DomainKeySet.SecretFileName);
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("agreement-key: ", StringComparison.Ordinal))
            {
                // 64 characters still: "+" and "." are not base64url, "=" is padding, which the canonical text never has.
                lines[i] = lines[i][..^1] + last;
            }
        }

        File.WriteAllLines(path, lines);
        Assert.Contains("agreement-key", Assert.Throws<InvalidDataException>(() => DomainKeySet.Load(_directory)).Message, StringComparison.Ordinal);
    }

    // A key set saved before Tern moved to NSec (format v1: the raw Ed25519 seed and X25519 scalar) still opens, and saved
    // again it is written in the current format with the same keys. Secrets from RFC 8032 §7.1 TEST 1 and RFC 7748 §6.1.
    [Fact]
    public void A_key_set_saved_in_the_first_format_still_loads()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, DomainKeySet.SecretFileName);
        File.WriteAllText(path, """
            # Tern domain key set v1. SECRET: anyone holding this file can act as the domain.
            domain: a.example
            created: 2026-11-01T00:00:00.0000000+00:00
            signing-seed: nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A
            agreement-secret: dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var loaded = DomainKeySet.Load(_directory);
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(loaded.SigningPublicKey));
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(loaded.AgreementPublicKey));
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), loaded.CreatedAt);

        var again = Path.Combine(_directory, "again");
        loaded.Save(again);
        Assert.Contains("signing-key: ", File.ReadAllText(Path.Combine(again, DomainKeySet.SecretFileName)), StringComparison.Ordinal);
        using var reloaded = DomainKeySet.Load(again);
        Assert.Equal(loaded.SigningPublicKey.ToArray(), reloaded.SigningPublicKey.ToArray());
        Assert.Equal(loaded.AgreementPublicKey.ToArray(), reloaded.AgreementPublicKey.ToArray());
    }

    // The current format holds each key as PKCS#8 (RFC 8410 §7): a fixed 16-byte prefix naming the algorithm
    // (1.3.101.112 Ed25519, 1.3.101.110 X25519), then the 32-byte secret. Written here from the RFC, not from NSec.
    [Fact]
    public void The_key_file_holds_each_key_as_PKCS8()
    {
        var seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        var scalar = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        using var keys = DomainKeySet.FromSecrets("a.example", seed, scalar, DateTimeOffset.UnixEpoch);
        keys.Save(_directory);

        var fields = File.ReadAllLines(Path.Combine(_directory, DomainKeySet.SecretFileName))
            .Where(line => line.Contains(": ", StringComparison.Ordinal) && !line.StartsWith('#'))
            .ToDictionary(line => line[..line.IndexOf(':', StringComparison.Ordinal)], line => line[(line.IndexOf(':', StringComparison.Ordinal) + 2)..]);
        Assert.Equal(["domain", "created", "signing-key", "agreement-key"], fields.Keys);
        Assert.Equal("302e020100300506032b657004220420" + Convert.ToHexStringLower(seed),
            Convert.ToHexStringLower(System.Buffers.Text.Base64Url.DecodeFromChars(fields["signing-key"])));
        Assert.Equal("302e020100300506032b656e04220420" + Convert.ToHexStringLower(scalar),
            Convert.ToHexStringLower(System.Buffers.Text.Base64Url.DecodeFromChars(fields["agreement-key"])));
    }

    [Fact]
    public void Load_refuses_a_key_of_the_other_algorithm_with_a_clear_error()
    {
        using var keys = DomainKeySet.Generate("a.example");
        keys.Save(_directory);
        var path = Path.Combine(_directory, DomainKeySet.SecretFileName);
        var lines = File.ReadAllLines(path);
        var agreement = lines.Single(l => l.StartsWith("agreement-key: ", StringComparison.Ordinal))["agreement-key: ".Length..];
        File.WriteAllLines(path, lines.Select(l => l.StartsWith("signing-key: ", StringComparison.Ordinal) ? "signing-key: " + agreement : l));

        var error = Assert.Throws<InvalidDataException>(() => DomainKeySet.Load(_directory));
        Assert.Contains("'signing-key' is not a PKCS#8 Ed25519 private key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-a.example")]
    [InlineData("a..example")]
    [InlineData("exa_mple.org")]
    [InlineData("ünïcode.example")]
    public void Invalid_domain_names_are_refused(string domain)
        => Assert.Throws<ArgumentException>(() => DomainKeySet.Generate(domain));

    [Fact]
    public void Fingerprint_depends_on_the_signing_key_only()
    {
        var seed = new byte[32];
        var agreementA = new byte[32];
        var agreementB = new byte[32];
        agreementB[5] = 1; // not byte 0: X25519 clamps its low bits
        using var a = DomainKeySet.FromSecrets("a.example", seed, agreementA, DateTimeOffset.UnixEpoch);
        using var b = DomainKeySet.FromSecrets("a.example", seed, agreementB, DateTimeOffset.UnixEpoch);

        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(43, a.Fingerprint.Length);
        Assert.NotEqual(a.AgreementPublicKey.ToArray(), b.AgreementPublicKey.ToArray());
    }
}
