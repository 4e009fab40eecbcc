using Tern.Engine.Protocol.Fetch;
using Tern.Transports.Fetch.Http;

namespace Tern.Transports.Fetch;

/// <summary>
/// What the doors answered: blob fetches by door and <see cref="FetchStatus"/>, and the blob bytes handed to connections
/// by door (those §9 counts toward delivery). Updated by the doors once a fetch is answered; read (racily, for metrics
/// and tests) by anyone.
/// </summary>
public sealed class FetchRequestCounters
{
    private static readonly int Doors = Enum.GetValues<FetchDoor>().Length;
    private static readonly int Statuses = Enum.GetValues<FetchStatus>().Length;
    private readonly long[] _fetches = new long[Doors * Statuses];
    private readonly long[] _bytes = new long[Doors];

    /// <summary>Blob fetches <paramref name="door"/> answered with <paramref name="status"/> since start.</summary>
    public long Fetches(FetchDoor door, FetchStatus status) => Interlocked.Read(ref _fetches[((int)door * Statuses) + (int)status]);

    /// <summary>Blob bytes <paramref name="door"/> handed to its connections since start.</summary>
    public long BytesServed(FetchDoor door) => Interlocked.Read(ref _bytes[(int)door]);

    internal void Answered(FetchDoor door, FetchStatus status) => Interlocked.Increment(ref _fetches[((int)door * Statuses) + (int)status]);

    internal void Served(FetchDoor door, long bytes)
    {
        if (bytes > 0)
        {
            Interlocked.Add(ref _bytes[(int)door], bytes);
        }
    }

    /// <summary>The framed and QUIC doors' <c>meta</c> status (docs/PROTOCOL.md §8.3) in the doors' one vocabulary.</summary>
    internal static FetchStatus FromMeta(MetaStatus status) => status switch
    {
        MetaStatus.Ok => FetchStatus.Ok,
        MetaStatus.NotFound => FetchStatus.NotFound,
        MetaStatus.RangeNotSatisfiable => FetchStatus.RangeNotSatisfiable,
        MetaStatus.Busy => FetchStatus.Busy,
        _ => FetchStatus.BadRequest,
    };

    /// <summary>What both HTTP doors answer for a blob they hold (docs/PROTOCOL.md §8.1), in the doors' one vocabulary.</summary>
    internal static FetchStatus FromPlan(BlobAnswer answer) => answer switch
    {
        BlobAnswer.NotModified => FetchStatus.NotModified,
        BlobAnswer.RangeNotSatisfiable => FetchStatus.RangeNotSatisfiable,
        _ => FetchStatus.Ok,
    };

    /// <summary>The HTTP status code <paramref name="code"/> in the doors' one vocabulary.</summary>
    internal static FetchStatus FromHttp(int code) => code switch
    {
        304 => FetchStatus.NotModified,
        404 => FetchStatus.NotFound,
        416 => FetchStatus.RangeNotSatisfiable,
        503 => FetchStatus.Busy,
        >= 200 and < 300 => FetchStatus.Ok,
        _ => FetchStatus.BadRequest,
    };
}
