using System.Runtime.InteropServices;

namespace Tern.Engine.Pending;

/// <summary>
/// Value of the recipient store: the sequence range and live count of one recipient hash. Deleted when the
/// count drops to zero; sequences restart from the clock (<see cref="PendingTable"/>), so cursors stay valid.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RecipientState
{
    /// <summary>The sequence the next reference gets.</summary>
    public ulong NextSequence;

    /// <summary>No live reference has a lower sequence: polls start here.</summary>
    public ulong FirstSequence;

    /// <summary>Live references under the hash.</summary>
    public int Count;

    private readonly int _reserved;
}
