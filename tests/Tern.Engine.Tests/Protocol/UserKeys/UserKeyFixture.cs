using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Engine.Tests.Protocol.UserKeys;

/// <summary>Two domains' key sets and their users' keys, from fixed secrets, for the user-key and envelope tests.</summary>
internal sealed class UserKeyFixture : IDisposable
{
    public const long Now = 1_790_000_000_000;
    public const long Day = 86_400_000;

    public DomainKeySet A { get; } = DomainKeySet.FromSecrets("a.example", Run(0x01), Run(0x21), DateTimeOffset.UnixEpoch);

    public DomainKeySet B { get; } = DomainKeySet.FromSecrets("b.example", Run(0x41), Run(0x61), DateTimeOffset.UnixEpoch);

    public NSec.Cryptography.Key AliceSigning { get; } = Ed25519.ImportSeed(Run(0xc1));

    public NSec.Cryptography.Key AliceAgreement { get; } = X25519.ImportSecret(Run(0xc2), exportable: true);

    public NSec.Cryptography.Key MallorySigning { get; } = Ed25519.ImportSeed(Run(0xe1));

    public static byte[] Run(int first, int length = 32) => [.. Enumerable.Range(first, length).Select(i => (byte)i)];

    public static Bytes32 PublicOf(NSec.Cryptography.Key key)
    {
        var bytes = new byte[32];
        key.PublicKey.TryExport(NSec.Cryptography.KeyBlobFormat.RawPublicKey, bytes, out _);
        return new Bytes32(bytes);
    }

    public UserKeyRecord AliceRecord(long notBefore = Now - Day, long notAfter = Now + (365 * Day), UserKeyFlags flags = UserKeyFlags.None)
        => new(flags, PublicOf(AliceSigning), PublicOf(AliceAgreement), notBefore, notBefore, notAfter, new Bytes32(A.SigningPublicKey), "alice@a.example");

    public static byte[] Signed(UserKeyRecord record, DomainKeySet domain)
    {
        var bytes = new byte[record.EncodedLength];
        Assert.Equal(bytes.Length, record.Sign(domain, bytes));
        return bytes;
    }

    public static byte[] Signed(UserKeyRevocation revocation, DomainKeySet domain)
    {
        var bytes = new byte[revocation.EncodedLength];
        Assert.Equal(bytes.Length, revocation.Sign(domain, bytes));
        return bytes;
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        AliceSigning.Dispose();
        AliceAgreement.Dispose();
        MallorySigning.Dispose();
    }
}
