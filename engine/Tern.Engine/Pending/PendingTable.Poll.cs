using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>Most references one poll returns.</summary>
    public const int MaxPollLimit = 1000;

    /// <summary>
    /// The references of <paramref name="hash"/> with sequences after <paramref name="afterCursor"/>, in sequence
    /// order, at most <paramref name="limit"/>. Removed and expired references are skipped. Start with cursor 0
    /// and pass <see cref="PollResult.NextCursor"/> back.
    /// </summary>
    public PollResult Poll(RecipientHash hash, ulong afterCursor, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPollLimit);
        ThrowIfDisposed();
        var key = hash.Value;
        var now = NowMs;
        _gate.EnterReadLock();
        var session = _sessions.Rent();
        try
        {
            if (!session.TryReadRecipient(ref key, out var state))
            {
                return new PollResult([], afterCursor, hasMore: false);
            }

            // No lock: sequences below NextSequence were written before the state that covers them (see TryInsert).
            var first = afterCursor == ulong.MaxValue ? ulong.MaxValue : Math.Max(afterCursor + 1, state.FirstSequence);
            var references = new List<PendingReference>(Math.Min(limit, state.Count));
            var sequence = first;
            var scanned = 0;
            Span<int> lengths = stackalloc int[PendingSession.RefWindow];
            while (sequence < state.NextSequence && references.Count < limit && scanned < _options.MaxPollScan)
            {
                // Never more than the page still needs, so the cursor stops where a one-by-one scan would.
                var window = (int)Math.Min(
                    Math.Min((ulong)PendingSession.RefWindow, state.NextSequence - sequence),
                    (ulong)Math.Min(limit - references.Count, _options.MaxPollScan - scanned));
                var read = lengths[..window];
                session.ReadRefs(ref key, sequence, read);
                for (var i = 0; i < window; i++)
                {
                    if (read[i] < 0)
                    {
                        continue;
                    }

                    var value = session.WindowValue(i, read[i]);
                    if (ReferenceCodec.ReadExpiry(value) > now && ReferenceCodec.Read(value, sequence + (ulong)i, _profiles) is { } reference)
                    {
                        references.Add(reference);
                    }
                }

                sequence += (ulong)window;
                scanned += window;
            }

            var next = sequence > first ? sequence - 1 : afterCursor;
            return new PollResult(references, Math.Max(next, afterCursor), hasMore: sequence < state.NextSequence);
        }
        finally
        {
            _sessions.Return(session);
            _gate.ExitReadLock();
        }
    }
}
