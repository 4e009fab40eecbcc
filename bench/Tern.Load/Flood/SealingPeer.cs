using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Load.Flood;

/// <summary>A legitimate peer domain: its own key set, sealing one-record notifications (each a new capability) to the node's agreement key.</summary>
internal sealed class SealingPeer : IDisposable
{
    private readonly DomainKeySet _keys;
    private readonly XChaCha20Poly1305Key _key = new();
    private readonly byte[] _domain;

    public SealingPeer(string domain, ReadOnlySpan<byte> receiver)
    {
        _keys = DomainKeySet.Generate(domain);
        _domain = Encoding.ASCII.GetBytes(domain);
        Span<byte> derived = stackalloc byte[NotificationKey.Size];
        if (!NotificationKey.TryDeriveSending(_keys, receiver, derived))
        {
            throw new InvalidOperationException("the node's agreement key is of low order");
        }

        _key.Set(derived);
    }

    /// <summary>Seals a notification of a fresh capability for a fresh recipient hash into <paramref name="slot"/>; returns its length.</summary>
    public int Seal(Span<byte> slot)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var writer = new DatagramWriter(slot, DatagramType.Notification, _keys.AgreementPublicKey, now);
        writer.TryAdd(new NotificationRecord(FetchCapability.NewRandom(), RecipientHash.NewRandom(), now + 3_600_000, 1, Bytes32.Random(), 1,
            NotificationFlags.None, _domain, default, default));
        return writer.Seal(_key);
    }

    public void Dispose()
    {
        _key.Dispose();
        _keys.Dispose();
    }
}
