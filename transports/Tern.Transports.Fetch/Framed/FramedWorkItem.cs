using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Transit;

namespace Tern.Transports.Fetch.Framed;

/// <summary>
/// One unit of output on a framed connection: a fetch stream with its progress, or a control frame to send. Instances
/// are pooled per connection, so a fetch allocates nothing once the connection is warm.
/// </summary>
internal sealed class FramedWorkItem
{
    private int _cancelled;

    public FramedWork Kind { get; private set; }

    public uint StreamId { get; private set; }

    public FetchRequest Request { get; private set; }

    public bool Head { get; private set; }

    /// <summary>Whether the fetch asked for the range proof (docs/PROTOCOL.md §8.3).</summary>
    public bool WantsProof { get; private set; }

    /// <summary>The range proof still being sent (a pooled buffer), or null.</summary>
    public byte[]? Proof { get; private set; }

    /// <summary>Length of <see cref="Proof"/>.</summary>
    public int ProofLength { get; private set; }

    /// <summary>Next proof byte to send.</summary>
    public int ProofNext;

    /// <summary>The blob, once the writer has looked it up.</summary>
    public BlobInfo Blob { get; set; }

    /// <summary>Whether the meta has been written.</summary>
    public bool Started { get; set; }

    /// <summary>First byte of the range served.</summary>
    public long Start { get; set; }

    /// <summary>Next byte to write.</summary>
    public long Next { get; set; }

    /// <summary>End of the range (exclusive).</summary>
    public long End { get; set; }

    /// <summary>Whether the frame with <c>end_stream</c> has been written.</summary>
    public bool Finished { get; set; }

    /// <summary>Whether the writer's list of streams written since the last flush holds it.</summary>
    public bool Dirty { get; set; }

    /// <summary>Whether this stream served data and so counts toward coverage.</summary>
    public bool Counts { get; set; }

    /// <summary>The ping data to echo, or the goaway code.</summary>
    public ulong Value { get; private set; }

    /// <summary>The goaway reason, UTF-8 (a shared constant array).</summary>
    public byte[] Reason { get; set; } = [];

    public bool IsCancelled => Volatile.Read(ref _cancelled) != 0;

    public void Cancel() => Volatile.Write(ref _cancelled, 1);

    public void ResetFetch(uint streamId, in FetchRequest request, bool head, bool proof = false)
    {
        Reset(FramedWork.Fetch, streamId, 0);
        Request = request;
        Head = head;
        WantsProof = proof;
    }

    /// <summary>Holds a proof to send; the item returns its buffer to the pool once sent or reset.</summary>
    /// <summary>The address hash a key lookup asks for.</summary>
    public Engine.Protocol.Bytes32 AddressHash { get; private set; }

    /// <summary>Makes this item a key lookup on <paramref name="streamId"/> (docs/PROTOCOL.md §14.4).</summary>
    public void ResetUserKeys(uint streamId, Engine.Protocol.Bytes32 addressHash)
    {
        Reset(FramedWork.UserKeys, streamId, 0);
        AddressHash = addressHash;
    }

    public void SetProof(byte[] proof, int length)
    {
        Proof = proof;
        ProofLength = length;
        ProofNext = 0;
    }

    /// <summary>Gives the proof's buffer back (all of it sent, or the stream ended).</summary>
    public void ReleaseProof()
    {
        if (Proof is { } proof)
        {
            Proof = null;
            System.Buffers.ArrayPool<byte>.Shared.Return(proof);
        }
    }

    public void Reset(FramedWork kind, uint streamId, ulong value)
    {
        Kind = kind;
        StreamId = streamId;
        Value = value;
        Reason = [];
        Request = default;
        Head = false;
        WantsProof = false;
        ReleaseProof();
        Blob = default;
        Started = false;
        Finished = false;
        Counts = false;
        Dirty = false;
        Start = Next = End = 0;
        _cancelled = 0;
    }
}
