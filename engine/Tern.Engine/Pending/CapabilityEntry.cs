using System.Runtime.InteropServices;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// Value of the capability store: where a live reference is filed, or a tombstone. Blittable and fixed-size
/// (56 bytes) so that FASTER stores it inline with no serializer.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CapabilityEntry
{
    /// <summary>The recipient hash the reference is filed under.</summary>
    public Bytes32 RecipientHash;

    /// <summary>The reference's sequence under that hash.</summary>
    public ulong Sequence;

    /// <summary>Live: the transit expiry. Tombstone: when the tombstone may be dropped. Ms since the epoch.</summary>
    public long UntilMs;

    /// <summary>Index of the sender domain in <see cref="DomainCounters"/>, so that a removal can uncharge it without reading the reference.</summary>
    public int DomainId;

    /// <summary>0 = live, otherwise the <see cref="PendingRemoval"/> that left the tombstone.</summary>
    public int Removal;

    public readonly bool IsTombstone => Removal != 0;
}
