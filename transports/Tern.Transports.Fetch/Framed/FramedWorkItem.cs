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

    public void ResetFetch(uint streamId, in FetchRequest request, bool head)
    {
        Reset(FramedWork.Fetch, streamId, 0);
        Request = request;
        Head = head;
    }

    public void Reset(FramedWork kind, uint streamId, ulong value)
    {
        Kind = kind;
        StreamId = streamId;
        Value = value;
        Reason = [];
        Request = default;
        Head = false;
        Blob = default;
        Started = false;
        Finished = false;
        Counts = false;
        Dirty = false;
        Start = Next = End = 0;
        _cancelled = 0;
    }
}
