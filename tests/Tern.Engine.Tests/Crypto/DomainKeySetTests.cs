using Tern.Engine.Crypto;

namespace Tern.Engine.Tests.Crypto;

public sealed class DomainKeySetTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tern-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

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
        File.WriteAllText(path, File.ReadAllText(path).Replace("signing-seed: ", "signing-seed: x", StringComparison.Ordinal));
        Assert.Contains("signing-seed", Assert.Throws<InvalidDataException>(() => DomainKeySet.Load(_directory)).Message, StringComparison.Ordinal);

        Assert.Throws<FileNotFoundException>(() => DomainKeySet.Load(Path.Combine(_directory, "missing")));
    }

    [Theory]
    [InlineData("+")]
    [InlineData(".")]
    [InlineData("B")]
    public void Load_refuses_a_secret_that_is_not_canonical_base64url_with_a_clear_error(string last)
    {
        using var keys = DomainKeySet.Generate("a.example");
        keys.Save(_directory);
        var path = Path.Combine(_directory, DomainKeySet.SecretFileName);
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("agreement-secret: ", StringComparison.Ordinal))
            {
                // 43 characters still; "B" sets one of the two unused bits of the last character, which a canonical text leaves zero.
                lines[i] = lines[i][..^1] + last;
            }
        }

        File.WriteAllLines(path, lines);
        Assert.Contains("agreement-secret", Assert.Throws<InvalidDataException>(() => DomainKeySet.Load(_directory)).Message, StringComparison.Ordinal);
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
