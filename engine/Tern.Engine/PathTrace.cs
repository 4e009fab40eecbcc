#pragma warning disable
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tern.Engine;

/// <summary>
/// Temporary: with <c>TERN_PATH_TRACE=&lt;prefix&gt;</c>, each process stamps the steps of a message's path (the
/// monotonic clock, shared by every process of the machine, and the thread) and writes them to
/// <c>&lt;prefix&gt;.&lt;pid&gt;</c> once a second: the end-to-end timeline of issue 14.
/// </summary>
public static class PathTrace
{
    private const int Capacity = 1 << 22;
    private static readonly string? Prefix = Environment.GetEnvironmentVariable("TERN_PATH_TRACE");
    private static readonly long[] Ticks = Prefix is null ? [] : new long[Capacity];
    private static readonly int[] Stages = Prefix is null ? [] : new int[Capacity];
    private static readonly int[] Threads = Prefix is null ? [] : new int[Capacity];
    private static int _next;

    static PathTrace()
    {
        if (Prefix is not null)
        {
            new Thread(WriteLoop) { IsBackground = true, Name = "tern-path-trace" }.Start();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Drain();
        }
    }

    public static bool On => Prefix is not null;

    public static void Mark(PathStage stage)
    {
        if (Prefix is null)
        {
            return;
        }

        var i = Interlocked.Increment(ref _next) - 1;
        if (i < Capacity)
        {
            Stages[i] = (int)stage;
            Threads[i] = Environment.CurrentManagedThreadId;
            Volatile.Write(ref Ticks[i], Stopwatch.GetTimestamp());
        }
    }

    private static int _written;
    private static readonly object WriteGate = new();

    private static void WriteLoop()
    {
        while (true)
        {
            Thread.Sleep(1000);
            Drain();
        }
    }

    private static void Drain()
    {
        lock (WriteGate)
        {
            var end = Math.Min(Volatile.Read(ref _next), Capacity);
            var text = new StringBuilder();
            var i = _written;
            for (; i < end && Volatile.Read(ref Ticks[i]) != 0; i++)
            {
                text.Append(((PathStage)Stages[i]).ToString()).Append('\t').Append(Ticks[i].ToString(CultureInfo.InvariantCulture))
                    .Append('\t').Append(Threads[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            if (i > _written)
            {
                File.AppendAllText($"{Prefix}.{Environment.ProcessId}", text.ToString());
                _written = i;
            }
        }
    }
}

/// <summary>Temporary: the steps <see cref="PathTrace"/> stamps.</summary>
public enum PathStage
{
    None,

    // a.example
    SubmitRouteBegin,
    SubmitDurable,
    SubmitScheduled,
    NotifyRoundSent,
    FetchFrameRead,
    FetchCovered,

    // both nodes' event logs
    EventsWriteBegin,
    EventsFlushEnd,
    EventsWriteEnd,
    EventsPublished,
    EventsRecordedAwaited,

    // b.example
    NotifyReceived,
    Filed,
    PullHandedOver,
    PullBegin,
    JournalWriteBegin,
    JournalWriteEnd,
    JournalDurable,
    PartialOpened,
    FetchRequestSent,
    FetchDataRead,
    FetchDone,
    CommitBegin,
    CommitPrepared,
    CommitLogWriteBegin,
    CommitLogWriteEnd,
    CommitDurable,
    CommitRenamed,
    StreamWoken,
    StreamWritten,

    // the load tool
    AlicePost,
    AliceAnswered,
    BobTold,
    BobRead,
}
