namespace Tern.LinkEmulator;

/// <summary>Why the link did not deliver a datagram, or <see cref="None"/> when it will.</summary>
public enum DropCause
{
    /// <summary>Admitted: it will be delivered.</summary>
    None,

    /// <summary>Lost on the wire by the loss model (after it took its share of the link's rate).</summary>
    Loss,

    /// <summary>Tail-dropped: the queue in front of the rate limit was full.</summary>
    Queue,

    /// <summary>Arrived during a blackout.</summary>
    Blackout,

    /// <summary>Arrived outside a contact window.</summary>
    Window,
}
