namespace Tern.Engine.Notify;

/// <summary>Resolution state of a <see cref="PeerState"/>.</summary>
internal enum PeerStatus : byte
{
    /// <summary>Never resolved, or the last attempt failed: the next due record asks the resolver.</summary>
    Unresolved = 0,

    /// <summary>The resolver has not answered yet; records wait in the peer's queues.</summary>
    Resolving = 1,

    /// <summary>Key and endpoint known.</summary>
    Resolved = 2,
}
