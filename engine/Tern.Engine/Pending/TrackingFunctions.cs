using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// FASTER callbacks of the recipient store: SimpleFunctions that remember where in log memory the last upsert put
/// its value, so that the table can prefetch a recipient state's record before the next insert reads it
/// (<see cref="RecipientHints"/>).
/// </summary>
internal sealed unsafe class TrackingFunctions<TValue> : SimpleFunctions<Bytes32, TValue>
    where TValue : unmanaged
{
    /// <summary>The value the last upsert on this session wrote, in log memory; a hint, never dereferenced.</summary>
    public byte* LastWritten { get; private set; }

    public override bool SingleWriter(ref Bytes32 key, ref TValue input, ref TValue src, ref TValue dst, ref TValue output, ref UpsertInfo upsertInfo, WriteReason reason)
    {
        fixed (TValue* p = &dst)
        {
            LastWritten = (byte*)p;
        }

        return base.SingleWriter(ref key, ref input, ref src, ref dst, ref output, ref upsertInfo, reason);
    }

    public override bool ConcurrentWriter(ref Bytes32 key, ref TValue input, ref TValue src, ref TValue dst, ref TValue output, ref UpsertInfo upsertInfo)
    {
        fixed (TValue* p = &dst)
        {
            LastWritten = (byte*)p;
        }

        return base.ConcurrentWriter(ref key, ref input, ref src, ref dst, ref output, ref upsertInfo);
    }
}
