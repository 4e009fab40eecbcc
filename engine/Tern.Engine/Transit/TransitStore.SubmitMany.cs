using System.Runtime.InteropServices;
using Tern.Engine.Protocol.Payload;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// Stores many blobs held in memory at once (docs/ARCHITECTURE.md §3.2, "Submitting many"): each is checked and
    /// refused on its own as <see cref="SubmitAsync"/> would refuse it, the quotas and buckets of all are reserved under
    /// one hold of the index lock, a blob of one chunk is hashed and appended to its bucket log straight from
    /// <see cref="SubmissionItem.Content"/> (no copy, no streaming), and all the journal records go to the group commit
    /// together, so the call waits for one commit and one wake-up instead of one of each a blob. A blob larger than a
    /// chunk takes <see cref="SubmitAsync"/>'s path, concurrently, and shares the same commit when it can. Not atomic:
    /// every outcome is its own, in the order of <paramref name="items"/>.
    /// </summary>
    public async Task<SubmissionOutcome[]> SubmitManyAsync(IReadOnlyList<SubmissionItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var outcomes = new SubmissionOutcome[items.Count];
        var staged = new List<Staging>(items.Count);
        List<(int Index, Task<SubmissionResult> Task)>? large = null;
        var nowMs = NowMs;

        // One chunk of the store is one leaf of the payload tree too, so such a blob has no leaves or map to write.
        var oneChunk = Math.Min(_options.ChunkSize, PayloadTree.ChunkSize);
        for (var i = 0; i < items.Count; i++)
        {
            var (request, content) = items[i];
            try
            {
                ArgumentNullException.ThrowIfNull(request);
                if (content.Length > oneChunk)
                {
                    (large ??= []).Add((i, SubmitAsync(request, AsStream(content), cancellationToken)));
                    continue;
                }

                var (domains, quota) = ValidateRequest(request);
                var expiryMs = request.TransitExpiry.ToUnixTimeMilliseconds();
                CheckExpiry(request.TransitExpiry, expiryMs, nowMs);
                if (request.DeclaredSize is { } declared && declared != content.Length)
                {
                    throw new ArgumentException($"The content is {content.Length} bytes, not its DeclaredSize ({declared} bytes).", nameof(items));
                }

                staged.Add(new Staging(i, request, content, domains, quota, expiryMs));
            }
            catch (Exception e) when (e is ArgumentException or TransitQuotaException)
            {
                outcomes[i] = new SubmissionOutcome(null, e);
            }
        }

        var openFailures = await OpenBucketsAsync(staged).ConfigureAwait(false);
        ReserveAll(staged, outcomes, openFailures);
        var ops = new List<JournalOp>(staged.Count);
        var results = new List<(int Index, SubmissionResult Result, Staging Staged)>(staged.Count);
        var drawn = DrawnBytes.For(staged);
        try
        {
            var offset = 0;
            foreach (var s in staged)
            {
                if (s.Bucket is null)
                {
                    continue;
                }

                var length = DrawnBytes.Length(s);
                offset += length;
                try
                {
                    // No reservation: a small blob, whose bytes ride its journal record (a copy: the caller owns Content).
                    var written = s.Reservation < 0 ? Inline(s.Content.ToArray()) : await WriteOneChunkAsync(s.Bucket.Log!, s.Content, cancellationToken).ConfigureAwait(false);
                    var (op, result) = Stage(s.Request, s.Domains, s.Quota, s.Bucket, s.Reservation, s.ExpiryMs, written, drawn.AsSpan(offset - length, length));
                    ops.Add(op);
                    results.Add((s.Index, result, s));
                }
#pragma warning disable CA1031 // One blob's failure (its write, a cancellation) is its outcome, for the caller to answer or rethrow.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Abandon(s.Quota, s.Bucket, s.Reservation);
                    outcomes[s.Index] = new SubmissionOutcome(null, e);
                }
            }
        }
        finally
        {
            DrawnBytes.Return(drawn);
        }

        Task committed;
        try
        {
            committed = _committer.EnqueueManyAsync(ops);
        }
#pragma warning disable CA1031 // The commit loop refused the batch (stopped or failed): every blob's outcome, none acknowledged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            foreach (var (index, _, s) in results)
            {
                Abandon(s.Quota, s.Bucket!, s.Reservation);
                outcomes[index] = new SubmissionOutcome(null, e);
            }

            committed = Task.CompletedTask;
            results.Clear();
        }

        // Once enqueued the entries are in the journal: the commit loop owns the reservations and the outcomes. All were
        // enqueued in one batch, so they are settled together.
        try
        {
            await committed.ConfigureAwait(false);
            foreach (var (index, result, _) in results)
            {
                outcomes[index] = new SubmissionOutcome(result, null);
            }
        }
#pragma warning disable CA1031 // The commit failed: every blob of the batch fails with it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            foreach (var (index, _, _) in results)
            {
                outcomes[index] = new SubmissionOutcome(null, e);
            }
        }

        foreach (var (index, task) in large ?? Enumerable.Empty<(int, Task<SubmissionResult>)>())
        {
            try
            {
                outcomes[index] = new SubmissionOutcome(await task.ConfigureAwait(false), null);
            }
#pragma warning disable CA1031 // As SubmitAsync would have thrown it for this blob alone.
            catch (Exception e)
#pragma warning restore CA1031
            {
                outcomes[index] = new SubmissionOutcome(null, e);
            }
        }

        return outcomes;
    }

    /// <summary>
    /// Opens, outside the index lock, the bucket logs of the staged blobs' windows that have none yet; returns the
    /// windows that failed to open, each a refusal of its blobs.
    /// </summary>
    private async Task<Dictionary<BucketWindow, Exception>?> OpenBucketsAsync(List<Staging> staged)
    {
        Dictionary<BucketWindow, Exception>? failures = null;
        BucketWindow? last = null;
        foreach (var s in staged)
        {
            var window = BucketWindow.For(s.ExpiryMs, _bucketWidthMs);
            if (window == last || failures?.ContainsKey(window) == true)
            {
                continue;
            }

            last = window;
            try
            {
                await OpenBucketAsync(window).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                (failures ??= [])[window] = e;
            }
        }

        return failures;
    }

    /// <summary>Reserves every staged blob's quota and bucket under one hold of the index lock; a refusal is that blob's outcome.</summary>
    private void ReserveAll(List<Staging> staged, SubmissionOutcome[] outcomes, Dictionary<BucketWindow, Exception>? openFailures)
    {
        lock (_index)
        {
            foreach (var s in staged)
            {
                try
                {
                    if (s.Request.MessageId is { } reserved && (_blobs.ContainsKey(reserved) || staged.Exists(o => o.Bucket is not null && o.Request.MessageId == reserved)))
                    {
                        throw new ArgumentException($"MessageId {reserved} is already stored; a reserved id is used once.", nameof(staged));
                    }

                    ReserveQuotaLocked(s.Quota, s.Content.Length, incremental: false);
                    try
                    {
                        var window = BucketWindow.For(s.ExpiryMs, _bucketWidthMs);
                        if (!TryGetWritableBucketLocked(window, out var bucket))
                        {
                            // Opened by OpenBucketsAsync just before, unless that failed; or a sweep closed the window since.
                            throw new IOException($"The expiry bucket {window.DirectoryName} could not be opened for writing; submit it again.", openFailures?.GetValueOrDefault(window));
                        }

                        s.Reservation = s.Content.Length > 0 && s.Content.Length <= _options.JournalInlineMaxBytes ? -1 : bucket.Reserve();
                        s.Bucket = bucket;
                    }
                    catch
                    {
                        ReleaseQuotaLocked(s.Quota);
                        throw;
                    }
                }
                catch (Exception e) when (e is ArgumentException or TransitQuotaException or IOException)
                {
                    outcomes[s.Index] = new SubmissionOutcome(null, e);
                }
            }
        }
    }

    /// <summary>A blob of at most one chunk: its hash, and its bytes appended to the bucket log as its only entry.</summary>
    private static async ValueTask<WrittenBlob> WriteOneChunkAsync(FASTER.core.FasterLog log, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        // One leaf: its top node is the leaf itself (docs/PROTOCOL.md §4.8), no tree to build.
        var hash = PayloadTree.Root(PayloadTree.Leaf(content.Span), content.Length);
        if (content.IsEmpty)
        {
            return new WrittenBlob(0, hash, 0, 0, -1);
        }

        // The page has room almost always; when it has not, wait for the flush as the streaming path does.
        if (!log.TryEnqueue(content.Span, out var address))
        {
            address = await log.EnqueueAsync(content, cancellationToken).ConfigureAwait(false);
        }

        return new WrittenBlob(content.Length, hash, address, address, -1);
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    /// <summary>One blob of a <see cref="SubmitManyAsync"/> call on its way to the journal.</summary>
    private sealed class Staging(int index, SubmissionRequest request, ReadOnlyMemory<byte> content, string[] domains, QuotaReservation quota, long expiryMs)
    {
        public int Index { get; } = index;

        public SubmissionRequest Request { get; } = request;

        public ReadOnlyMemory<byte> Content { get; } = content;

        public string[] Domains { get; } = domains;

        public QuotaReservation Quota { get; } = quota;

        public long ExpiryMs { get; } = expiryMs;

        /// <summary>Set once the quota and the bucket are reserved.</summary>
        public BucketLog? Bucket { get; set; }

        /// <summary>The bucket log's reservation; -1 for a blob that rides its journal record.</summary>
        public long Reservation { get; set; }
    }
}
