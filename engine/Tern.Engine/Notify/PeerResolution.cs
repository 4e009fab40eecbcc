namespace Tern.Engine.Notify;

/// <summary>An asynchronous resolver answer, handed back to the scheduler's loop.</summary>
internal readonly struct PeerResolution(PeerState state, NotificationPeer? peer)
{
    public PeerState State { get; } = state;

    public NotificationPeer? Peer { get; } = peer;
}
