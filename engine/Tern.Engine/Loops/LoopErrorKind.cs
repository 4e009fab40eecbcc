namespace Tern.Engine.Loops;

/// <summary>
/// How a long-running loop treats an error (the three tiers of Garnet's accept loop, plus the loop's own work failing).
/// </summary>
public enum LoopErrorKind
{
    /// <summary>One operation failed and the next does not share the cause (an ICMP error, an interrupted call): go on at once.</summary>
    Transient = 0,

    /// <summary>The system is short of something (buffers, memory, descriptors): wait, longer each time up to a cap, then go on.</summary>
    BackOff = 1,

    /// <summary>What the loop works on is gone (its socket closed or invalid): nothing later can succeed; the loop stops and says why.</summary>
    Fatal = 2,

    /// <summary>The loop's own work threw for one item (a datagram, a round, a pull): that item is lost, the loop goes on.</summary>
    Unexpected = 3,
}
