using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Node.Tests;

/// <summary>
/// docs/PROTOCOL.md §16.4 on a running node: a domain key rotation re-signs every published user-key bundle with the new
/// signing key, one file at a time. A SIGKILL in the middle leaves every bundle whole and verifiable under one of the two
/// keys (clients accept the previous one until <c>previous_until</c>), and the restarted node finishes the job.
/// </summary>
public sealed class UserKeyResignCrashTests : IDisposable
{
    private const int Users = 2000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TestDomain _b = new("b.example");

    public void Dispose() => _b.Dispose();

    [Fact]
    [Trait(TestCategory.Trait, TestCategory.Process)]
    public async Task A_node_killed_while_re_signing_users_key_records_leaves_each_verifiable_and_finishes_at_restart()
    {
        var directory = TernDataDirectory.UserKeys(_b.DataDirectory);
        var keyDirectory = TernDataDirectory.Keys(_b.DataDirectory);
        Bytes32 oldKey;
        using (var keys = DomainKeySet.Load(keyDirectory))
        {
            oldKey = new Bytes32(keys.SigningPublicKey);
        }

        var fingerprints = WriteBundles(directory, keyDirectory);
        string[] switches = [.. _b.Switches(("Tern:Node:KeyRotationPollInterval", "00:00:01"))];
        using (var b = NodeProcess.Start(_b.DataDirectory, switches))
        {
            await b.WaitReadyAsync();
            Assert.All(Signers(directory), s => Assert.Equal(oldKey, s.Signer));

            // The rotation as `tern keys rotate-domain` begins it beside the running node, which picks it up within a second.
            DomainKeyRotation.Schedule(keyDirectory, _b.Domain, TimeSpan.FromHours(1), TimeSpan.Zero);
            Bytes32 newKey;
            using (var next = DomainKeySet.Load(keyDirectory, DomainKeyRotation.NextSecretFileName))
            {
                newKey = new Bytes32(next.SigningPublicKey);
            }

            // Killed as soon as the re-signing has begun: a sample of the bundles is looked at until one is the new key's.
            var sample = Directory.EnumerateFiles(directory, "*.bundle").Order(StringComparer.Ordinal).Where((_, i) => i % 10 == 0).ToArray();
            Assert.True(await Eventually.TrueAsync(() => sample.Any(f => SignerOf(File.ReadAllBytes(f)) == newKey), Patience), b.Output);
            b.KillHard();

            // Every bundle is whole and verifies (TryParse checks each signature) under the old or the new key, and the kill
            // came in the middle: some are each key's.
            var signers = Signers(directory);
            Assert.Equal(Users, signers.Count);
            Assert.All(signers, s => Assert.True(s.Signer == oldKey || s.Signer == newKey, $"{s.File} is signed by {s.Signer}"));
            Assert.Contains(signers, s => s.Signer == oldKey);
            Assert.Contains(signers, s => s.Signer == newKey);
            AssertFingerprintsKept(directory, fingerprints);

            // Restarted, the node finishes what the kill cut short.
            using var restarted = NodeProcess.Start(_b.DataDirectory, switches);
            await restarted.WaitReadyAsync();
            Assert.True(await Eventually.TrueAsync(() => Signers(directory).All(s => s.Signer == newKey), Patience), restarted.Output);
            AssertFingerprintsKept(directory, fingerprints);
            restarted.Terminate();
            Assert.True(await restarted.WaitForExitAsync(TimeSpan.FromSeconds(30)), restarted.Output);
            Assert.Equal(0, restarted.ExitCode);
        }
    }

    /// <summary>One published record per user, signed with the domain's key, written as the node would publish them.</summary>
    private static Dictionary<string, Bytes32> WriteBundles(string directory, string keyDirectory)
    {
        using var keys = DomainKeySet.Load(keyDirectory);
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var fingerprints = new Dictionary<string, Bytes32>(StringComparer.Ordinal);
        for (var i = 0; i < Users; i++)
        {
            var address = $"user{i}@b.example";
            var record = new UserKeyRecord(UserKeyFlags.None, Bytes32.Random(), Bytes32.Random(), now, now, now + 86_400_000, new Bytes32(keys.SigningPublicKey), address);
            var bytes = new byte[record.EncodedLength];
            record.Sign(keys, bytes);
            File.WriteAllBytes(Path.Combine(directory, UserAddress.Hash(address) + ".bundle"), UserKeyBundle.Encode([bytes]));
            fingerprints[UserAddress.Hash(address).ToString()] = record.Fingerprint;
        }

        return fingerprints;
    }

    private static List<(string File, Bytes32 Signer)> Signers(string directory)
        => [.. Directory.EnumerateFiles(directory, "*.bundle").Select(f => (f, SignerOf(File.ReadAllBytes(f))))];

    /// <summary>The bundle's signer, once every entry's signature verified; a bundle that does not parse fails the test.</summary>
    private static Bytes32 SignerOf(byte[] bytes)
    {
        Assert.True(UserKeyBundle.TryParse(bytes, out var bundle, out var error, out _), $"a bundle does not parse: {error}");
        return bundle!.Records[0].DomainSigningKey;
    }

    /// <summary>Each user's record names the keys it named before the rotation (re-signing changes no fingerprint).</summary>
    private static void AssertFingerprintsKept(string directory, Dictionary<string, Bytes32> fingerprints)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.bundle"))
        {
            Assert.True(UserKeyBundle.TryParse(File.ReadAllBytes(file), out var bundle, out _, out _));
            Assert.Equal(fingerprints[Path.GetFileNameWithoutExtension(file)], Assert.Single(bundle!.Records).Fingerprint);
        }
    }
}
