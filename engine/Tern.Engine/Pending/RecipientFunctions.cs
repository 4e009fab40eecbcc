using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// FASTER callbacks of the recipient store. Reads and upserts copy the state whole; a read-modify-write claims the
/// next sequence of a hash in one operation (<see cref="RecipientClaim"/>): it creates the state of a new hash,
/// moves an existing one on, or leaves a hash at its cap unchanged. The last value written is remembered so that
/// the table can prefetch the state's record before the next insert (<see cref="RecipientHints"/>).
/// </summary>
internal sealed unsafe class RecipientFunctions : FunctionsBase<Bytes32, RecipientState, RecipientClaim, RecipientClaimResult, Empty>
{
    /// <summary>The state the last write or claim on this session wrote, in log memory; a hint, never dereferenced.</summary>
    public byte* LastWritten { get; private set; }

    public override bool SingleReader(ref Bytes32 key, ref RecipientClaim input, ref RecipientState value, ref RecipientClaimResult dst, ref ReadInfo readInfo)
    {
        dst.State = value;
        return true;
    }

    public override bool ConcurrentReader(ref Bytes32 key, ref RecipientClaim input, ref RecipientState value, ref RecipientClaimResult dst, ref ReadInfo readInfo)
    {
        dst.State = value;
        return true;
    }

    public override bool SingleWriter(ref Bytes32 key, ref RecipientClaim input, ref RecipientState src, ref RecipientState dst, ref RecipientClaimResult output, ref UpsertInfo upsertInfo, WriteReason reason)
    {
        dst = src;
        Remember(ref dst);
        return true;
    }

    public override bool ConcurrentWriter(ref Bytes32 key, ref RecipientClaim input, ref RecipientState src, ref RecipientState dst, ref RecipientClaimResult output, ref UpsertInfo upsertInfo)
    {
        dst = src;
        Remember(ref dst);
        return true;
    }

    public override bool InitialUpdater(ref Bytes32 key, ref RecipientClaim input, ref RecipientState value, ref RecipientClaimResult output, ref RMWInfo rmwInfo)
    {
        value = new RecipientState { NextSequence = input.FirstSequenceIfNew, FirstSequence = input.FirstSequenceIfNew };
        Claim(ref value, ref output);
        return true;
    }

    public override bool NeedCopyUpdate(ref Bytes32 key, ref RecipientClaim input, ref RecipientState oldValue, ref RecipientClaimResult output, ref RMWInfo rmwInfo)
        => !IsFull(ref input, ref oldValue, ref output);

    public override bool CopyUpdater(ref Bytes32 key, ref RecipientClaim input, ref RecipientState oldValue, ref RecipientState newValue, ref RecipientClaimResult output, ref RMWInfo rmwInfo)
    {
        newValue = oldValue;
        Claim(ref newValue, ref output);
        return true;
    }

    public override bool InPlaceUpdater(ref Bytes32 key, ref RecipientClaim input, ref RecipientState value, ref RecipientClaimResult output, ref RMWInfo rmwInfo)
    {
        if (!IsFull(ref input, ref value, ref output))
        {
            Claim(ref value, ref output);
        }

        return true;
    }

    private static bool IsFull(ref RecipientClaim input, ref RecipientState state, ref RecipientClaimResult output)
    {
        output.State = state;
        output.Full = state.Count >= input.MaxCount;
        return output.Full;
    }

    private void Claim(ref RecipientState state, ref RecipientClaimResult output)
    {
        output.Sequence = state.NextSequence++;
        state.Count++;
        output.State = state;
        output.Full = false;
        Remember(ref state);
    }

    private void Remember(ref RecipientState state)
    {
        fixed (RecipientState* p = &state)
        {
            LastWritten = (byte*)p;
        }
    }
}

/// <summary>Input of a sequence claim: the first sequence a hash without state starts from, and the cap on its live references.</summary>
internal struct RecipientClaim
{
    public ulong FirstSequenceIfNew;
    public long MaxCount;
}

/// <summary>Output of the recipient store: the state after the operation and, for a claim, the sequence it got or that the hash was full.</summary>
internal struct RecipientClaimResult
{
    public RecipientState State;
    public ulong Sequence;
    public bool Full;
}
