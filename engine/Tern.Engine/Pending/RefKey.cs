using System.Runtime.InteropServices;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>Key of the reference store: (recipient hash, sequence). Blittable, 40 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct RefKey
{
    public RefKey(Bytes32 recipientHash, ulong sequence)
    {
        RecipientHash = recipientHash;
        Sequence = sequence;
    }

    public Bytes32 RecipientHash { get; }

    public ulong Sequence { get; }
}
