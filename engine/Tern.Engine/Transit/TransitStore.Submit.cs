using System.Buffers;
using System.Buffers.Binary;
using FASTER.core;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    // Chunks of a large blob the hasher may lag behind the log (buffers of ChunkSize each).
    private const int HashPipelineDepth = 4;

    /// <summary>
    /// Stores a blob for its recipients (docs/ARCHITECTURE.md §3.2): checks the request and the quotas before writing
    /// anything, streams <paramref name="content"/> into the expiry bucket's log chunk by chunk while hashing it into its
    /// payload tree (docs/PROTOCOL.md §4.8; the leaves are written to the log too, for proofs), draws the message id and one capability per recipient from the CSPRNG, and returns once the group
    /// commit has made the chunks and the journal entry durable. A blob of known size up to
    /// <see cref="TransitStoreOptions.JournalInlineMaxBytes"/> is read whole and rides in its journal entry instead, so
    /// its commit waits for the journal alone (§3.2, "Small blobs ride the journal").
    /// </summary>
    /// <exception cref="ArgumentException">A malformed request, or an expiry beyond <see cref="TransitStoreOptions.MaxTransit"/>.</exception>
    /// <exception cref="TransitQuotaException">A quota refuses the submission; the message names the limit.</exception>
    public async Task<SubmissionResult> SubmitAsync(SubmissionRequest request, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(content);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var (domains, quota) = ValidateRequest(request);
        var nowMs = NowMs;
        var expiryMs = request.TransitExpiry.ToUnixTimeMilliseconds();
        CheckExpiry(request.TransitExpiry, expiryMs, nowMs);

        long? declared = request.DeclaredSize ?? (content.CanSeek ? content.Length - content.Position : null);
        if (declared < 0)
        {
            throw new ArgumentException($"DeclaredSize is {declared}; it must not be negative.", nameof(request));
        }

        // Known size, small: the bytes ride the journal record, and nothing is reserved in the bucket log.
        var inline = declared is { } known && known > 0 && known <= _options.JournalInlineMaxBytes;
        var window = BucketWindow.For(expiryMs, _bucketWidthMs);
        BucketLog? bucket;
        long reservation;
        while (true)
        {
            lock (_index)
            {
                if (request.MessageId is { } reserved && _blobs.ContainsKey(reserved))
                {
                    throw new ArgumentException($"MessageId {reserved} is already stored; a reserved id is used once.", nameof(request));
                }

                if (TryGetWritableBucketLocked(window, out bucket))
                {
                    ReserveQuotaLocked(quota, declared ?? 0, declared is null);
                    try
                    {
                        reservation = inline ? -1 : bucket.Reserve();
                    }
                    catch
                    {
                        ReleaseQuotaLocked(quota);
                        throw;
                    }

                    break;
                }
            }

            // The window's first submission since the store opened: its log is opened outside the lock.
            await OpenBucketAsync(window).ConfigureAwait(false);
        }

        var enqueued = false;
        try
        {
            var written = inline
                ? await ReadInlineAsync(content, (int)declared!.Value, cancellationToken).ConfigureAwait(false)
                : await WriteBlobAsync(bucket.Log!, content, declared, quota, cancellationToken).ConfigureAwait(false);
            var (op, result) = Stage(request, domains, quota, bucket, reservation, expiryMs, written);

            // Once enqueued the entry is in the journal: the commit loop owns the reservations and the outcome.
            var committed = _committer.EnqueueAsync(op);
            enqueued = true;
            await committed.ConfigureAwait(false);
            return result;
        }
        catch when (!enqueued)
        {
            Abandon(quota, bucket, reservation);
            throw;
        }
    }

    /// <summary>Gives back what a submission that never reached the journal held (no bucket reservation: an inline one).</summary>
    private void Abandon(QuotaReservation quota, BucketLog bucket, long reservation)
    {
        // The chunks already written are dead space, freed with the bucket's head.
        lock (_index)
        {
            ReleaseQuotaLocked(quota);
        }

        if (reservation < 0)
        {
            return;
        }

        bucket.EndReservation(reservation, -1);
        lock (_index)
        {
            _truncateQueue.Add(bucket);
        }
    }

    /// <summary>
    /// The index entry, capabilities and journal record of a blob whose bytes are written: what the group commit makes
    /// durable and then applies (<see cref="ApplySubmission"/>), and the answer its waiter gets once it has. The message
    /// id and the capabilities come from the CSPRNG, one draw each, or from <paramref name="drawn"/>: the bytes drawn for
    /// them in advance (<see cref="DrawnBytes"/>), the id's first.
    /// </summary>
    private (JournalOp Op, SubmissionResult Result) Stage(SubmissionRequest request, string[] domains, QuotaReservation quota, BucketLog bucket, long reservation, long expiryMs, WrittenBlob written,
        ReadOnlySpan<byte> drawn = default)
    {
        var messageId = request.MessageId ?? (drawn.IsEmpty ? MessageId.NewRandom() : new MessageId(drawn));
        var blob = new BlobEntry
        {
            Id = messageId,
            Account = request.Account,
            MimeHint = string.IsNullOrEmpty(request.MimeHint) ? null : request.MimeHint,
            SubmittedMs = NowMs,
            ExpiryMs = expiryMs,
            Size = written.Size,
            PayloadHash = written.Hash,
            Window = bucket.Window,
            FirstChunk = written.FirstChunk,
            ChunkMap = written.ChunkMap,
            ChunkSize = _options.ChunkSize,
            Leaves = written.Leaves,
            Inline = written.Inline,
        };

        var capabilities = new FetchCapability[domains.Length];
        var deliveries = new DeliveryEntry[domains.Length];
        for (var i = 0; i < deliveries.Length; i++)
        {
            capabilities[i] = drawn.IsEmpty ? FetchCapability.NewRandom() : new FetchCapability(drawn[((i + 1) * Bytes32.Size)..]);
            deliveries[i] = new DeliveryEntry(blob, capabilities[i], domains[i], request.Recipients[i].Hash) { NextAttemptMs = blob.SubmittedMs };
        }

        blob.Deliveries = deliveries;
        blob.OutstandingCount = deliveries.Length;

        var length = JournalCodec.MeasureSubmission(blob);
        var record = ArrayPool<byte>.Shared.Rent(length);
        JournalCodec.WriteSubmission(record, blob, blob.SubmittedMs);
        // Only chunks written to the bucket ask for its commit; an inline or empty blob's record is all there is to make durable.
        var op = new JournalOp(record, length, written.Inline is null && written.Size > 0 ? bucket : null)
        {
            Submission = new UncommittedSubmission(blob, bucket, reservation, quota),
            Apply = _applySubmission,
        };

        return (op, new SubmissionResult(messageId, capabilities, blob.Size, blob.PayloadHash, DateTimeOffset.FromUnixTimeMilliseconds(expiryMs)));
    }

    private void ApplySubmission(JournalOp op)
    {
        var submission = op.Submission!;
        var blob = submission.Blob;
        ReleaseQuotaLocked(submission.Quota);
        IndexBlobLocked(blob, submission.Bucket);
        _ledger.Submitted(blob, blob.SubmittedMs);
        if (blob.Inline is not null)
        {
            HoldInlineLocked(blob);
        }
        else
        {
            submission.Bucket.EndReservation(submission.BucketReservation, blob.Size > 0 ? blob.FirstChunk : -1);
        }
    }

    private async Task<WrittenBlob> WriteBlobAsync(FasterLog log, Stream content, long? declared, QuotaReservation quota, CancellationToken cancellationToken)
    {
        var chunkSize = _options.ChunkSize;
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        var addresses = ArrayPool<long>.Shared.Rent(16);
        long count = 0;
        long size = 0;
        PipelinedHasher? pipeline = null;

        // Disposed only after the pipeline, whose thread may still be appending to it.
        var hasher = new PayloadHasher(keepLeaves: true);
        try
        {
            while (true)
            {
                var chunk = pipeline is null ? buffer : await pipeline.RentAsync(cancellationToken).ConfigureAwait(false);
                int n;
                long address;
                try
                {
                    n = await content.ReadAtLeastAsync(chunk.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        pipeline?.Return(chunk);
                        break;
                    }

                    if (declared is { } limit && size + n > limit)
                    {
                        throw new ArgumentException($"The content is longer than its DeclaredSize ({limit} bytes).", nameof(content));
                    }

                    if (declared is null)
                    {
                        lock (_index)
                        {
                            ReserveQuotaLocked(quota, n, incremental: true);
                        }
                    }

                    if (pipeline is null)
                    {
                        hasher.Append(chunk.AsSpan(0, n));
                    }

                    address = await log.EnqueueAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }
                catch when (pipeline is not null)
                {
                    pipeline.Return(chunk);
                    throw;
                }

                pipeline?.Submit(chunk, n);
                if (count == addresses.Length)
                {
                    var larger = ArrayPool<long>.Shared.Rent(addresses.Length * 2);
                    addresses.AsSpan().CopyTo(larger);
                    ArrayPool<long>.Shared.Return(addresses);
                    addresses = larger;
                }

                addresses[count++] = address;
                size += n;
                if (n < chunkSize)
                {
                    break;
                }

                // A second full chunk means a large blob: hash the rest on another thread, a few chunks behind the log.
                if (pipeline is null && count == 2)
                {
                    pipeline = new PipelinedHasher(hasher, chunkSize, HashPipelineDepth);
                }
            }

            if (declared is { } expected && size != expected)
            {
                throw new ArgumentException($"The content is {size} bytes, shorter than its DeclaredSize ({expected} bytes).", nameof(content));
            }

            if (pipeline is not null)
            {
                await pipeline.CompleteAsync().ConfigureAwait(false);
            }

            var hash = hasher.Finish();
            var first = count > 0 ? addresses[0] : 0;

            // Leaves before the map, so the map stays the blob's last entry whenever it has one.
            var leaves = hasher.Leaves.Length > 1 ? await WriteLeavesAsync(log, hasher.Leaves.ToArray(), buffer, cancellationToken).ConfigureAwait(false) : -1;
            var map = count > 1 ? await WriteChunkMapAsync(log, addresses.AsMemory(0, (int)count), buffer, cancellationToken).ConfigureAwait(false) : first;
            return new WrittenBlob(size, hash, first, map, leaves);
        }
        finally
        {
            if (pipeline is not null)
            {
                await pipeline.DisposeAsync().ConfigureAwait(false);
            }

            hasher.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<long>.Shared.Return(addresses);
        }
    }

    /// <summary>
    /// Writes the chunk map after the chunks: one entry of addresses when they fit in a chunk, otherwise entries of
    /// addresses and a root listing them. Returns the address of the map (or root).
    /// </summary>
    private async Task<long> WriteChunkMapAsync(FasterLog log, Memory<long> addresses, byte[] buffer, CancellationToken cancellationToken)
    {
        var perEntry = _options.ChunkSize / sizeof(long);
        if (addresses.Length <= perEntry)
        {
            return await log.EnqueueAsync(EncodeAddresses(addresses.Span, buffer), cancellationToken).ConfigureAwait(false);
        }

        var entries = (addresses.Length + perEntry - 1) / perEntry;
        if (entries > perEntry)
        {
            throw new ArgumentException($"The blob has {addresses.Length} chunks, more than ChunkSize ({_options.ChunkSize}) allows ({(long)perEntry * perEntry}).");
        }

        var roots = new long[entries];
        for (var i = 0; i < entries; i++)
        {
            var slice = addresses.Slice(i * perEntry, Math.Min(perEntry, addresses.Length - (i * perEntry)));
            roots[i] = await log.EnqueueAsync(EncodeAddresses(slice.Span, buffer), cancellationToken).ConfigureAwait(false);
        }

        return await log.EnqueueAsync(EncodeAddresses(roots, buffer), cancellationToken).ConfigureAwait(false);
    }

    private static ReadOnlyMemory<byte> EncodeAddresses(ReadOnlySpan<long> addresses, byte[] buffer)
    {
        for (var i = 0; i < addresses.Length; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(i * sizeof(long)), addresses[i]);
        }

        return buffer.AsMemory(0, addresses.Length * sizeof(long));
    }

    /// <summary>
    /// Reads a blob of <paramref name="size"/> bytes (at most <see cref="TransitStoreOptions.JournalInlineMaxBytes"/>, so
    /// one leaf of the payload tree) whole into memory, for its journal record; refuses content of another length.
    /// </summary>
    private static async Task<WrittenBlob> ReadInlineAsync(Stream content, int size, CancellationToken cancellationToken)
    {
        var bytes = new byte[size];
        var n = await content.ReadAtLeastAsync(bytes, size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (n < size)
        {
            throw new ArgumentException($"The content is {n} bytes, shorter than its DeclaredSize ({size} bytes).", nameof(content));
        }

        var probe = ArrayPool<byte>.Shared.Rent(1);
        try
        {
            if (await content.ReadAsync(probe.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new ArgumentException($"The content is longer than its DeclaredSize ({size} bytes).", nameof(content));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(probe);
        }

        return Inline(bytes);
    }

    /// <summary>A blob held whole in <paramref name="bytes"/>, one leaf of the payload tree, to ride its journal record.</summary>
    private static WrittenBlob Inline(byte[] bytes) => new(bytes.Length, PayloadTree.Root(PayloadTree.Leaf(bytes), bytes.Length), -1, -1, -1, bytes);

    /// <summary>Where a blob's bytes went: its bucket log's addresses, or (<paramref name="Inline"/>) its journal record.</summary>
    private readonly record struct WrittenBlob(long Size, Bytes32 Hash, long FirstChunk, long ChunkMap, long Leaves, byte[]? Inline = null);
}
