namespace Tern.Engine.Pending;

/// <summary>
/// A line its maker keeps in the begun record of the pull about to start (the client API's <c>received</c> event,
/// docs/ARCHITECTURE.md §5.6): when the pull begins at once, the journal's record carries <see cref="Line"/> and
/// <see cref="Carried"/> completes once that record is durable, so the maker need not make the line durable itself. When
/// no record will carry it (the pull was queued, went through another door, or the journal is off) <see cref="Release"/>
/// cancels <see cref="Carried"/> and the maker writes the line its own way. Whoever hands the annotation over releases it
/// when done; a release after the journal took it changes nothing. Thread-safe.
/// </summary>
public sealed class PullAnnotation
{
    /// <summary>Longest line a journal record carries (a longer one is not carried).</summary>
    public const int MaxLineBytes = 4096;

    private const int Open = 0;
    private const int Claimed = 1;
    private const int Released = 2;

    private readonly TaskCompletionSource _carried = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;
    private volatile bool _flushed;

    /// <summary>The line to carry (at most <see cref="MaxLineBytes"/> bytes; a longer one is not carried).</summary>
    public ReadOnlyMemory<byte> Line { get; set; }

    /// <summary>
    /// Completes once a durable begun record holds <see cref="Line"/>; cancelled when none will, faulted when the record's
    /// write failed. Its continuations run on the pool, never on the thread that completes it (the ingest's, the pump's,
    /// the journal's writer), which must not wait on the maker's own write.
    /// </summary>
    public Task Carried => _carried.Task;

    /// <summary>Whether the maker has made the line durable on its own since (the journal may then forget it once the pull ends).</summary>
    public bool IsFlushed => _flushed;

    /// <summary>The maker made the line durable on its own (its log flushed it): the journal need not keep it past the pull's end.</summary>
    public void Flushed() => _flushed = true;

    /// <summary>No record will carry the line: <see cref="Carried"/> is cancelled, unless the journal took it already.</summary>
    public void Release()
    {
        if (Interlocked.CompareExchange(ref _state, Released, Open) == Open)
        {
            _carried.TrySetCanceled();
        }
    }

    /// <summary>The journal takes the line for a record; false once released (or taken) or when the line is empty or too long.</summary>
    internal bool TryClaim() =>
        !Line.IsEmpty && Line.Length <= MaxLineBytes && Interlocked.CompareExchange(ref _state, Claimed, Open) == Open;

    /// <summary>Tells <see cref="Carried"/> how <paramref name="write"/>, the write of the record that took the line, ends.</summary>
    internal void CarriedBy(Task write) =>
        write.ContinueWith(static (done, state) => ((PullAnnotation)state!).Written(done), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void Written(Task write)
    {
        if (write.IsCompletedSuccessfully)
        {
            _carried.TrySetResult();
        }
        else if (write.Exception is { } failure)
        {
            _carried.TrySetException(failure.InnerExceptions);
        }
        else
        {
            _carried.TrySetCanceled();
        }
    }

    /// <summary>The journal took the line and then wrote no record with it (the pull was open already, or the journal closed).</summary>
    internal void NotCarried() => _carried.TrySetCanceled();

    /// <summary>An annotation read back from the journal at open: carried, and kept until the maker has put it back (<c>Pull.PullJournal.ReleaseRecovered</c>).</summary>
    internal static PullAnnotation Recovered(ReadOnlyMemory<byte> line)
    {
        var annotation = new PullAnnotation { Line = line, _state = Claimed };
        annotation._carried.TrySetResult();
        return annotation;
    }
}
