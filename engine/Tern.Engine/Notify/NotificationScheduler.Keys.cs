using Tern.Engine.Keys;
using Tern.Engine.Protocol;

namespace Tern.Engine.Notify;

public sealed partial class NotificationScheduler
{
    /// <summary>
    /// Sends under <paramref name="keys"/> (the same domain's new key set, docs/PROTOCOL.md §16.4) from the next round on:
    /// every peer's sending key is derived again with it, on the loop thread, so nothing is sealed with a mix of the two.
    /// </summary>
    public void UseKeys(DomainKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (DomainName.Normalize(keys.Domain) != DomainName.Normalize(_keys.Domain))
        {
            throw new ArgumentException($"The key set is for {keys.Domain}, not {_keys.Domain}.", nameof(keys));
        }

        Volatile.Write(ref _nextKeys, keys);
        try
        {
            _wake.Set();
        }
        catch (ObjectDisposedException)
        {
            // Stopped: nothing is sent any more.
        }
    }

    /// <summary>The agreement key the datagrams' header names now.</summary>
    public Bytes32 SenderKey => new(_keys.AgreementPublicKey);

    private void SwitchKeys(DomainKeySet keys)
    {
        _keys = keys;
        Span<byte> peerKey = stackalloc byte[Bytes32.Size];
        foreach (var peer in _peers.Values)
        {
            if (peer.Peer is { } resolved)
            {
                resolved.AgreementKey.CopyTo(peerKey);
                if (!TryDeriveSendingKey(peerKey, peer.SendingKey))
                {
                    // Cannot happen for a key that derived under the old set (the low-order check is on the peer's key);
                    // asking again costs nothing.
                    peer.Peer = null;
                    peer.Status = PeerStatus.Unresolved;
                }
            }
        }
    }
}
