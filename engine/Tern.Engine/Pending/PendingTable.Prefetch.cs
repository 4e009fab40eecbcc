using System.Runtime.Intrinsics.X86;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    private const int PrefetchChunk = 128;

    /// <summary>
    /// Starts fetching what inserts of a batch of records will touch, so that the batch's cache misses overlap instead
    /// of stalling one insert at a time: the capabilities' and recipient states' index buckets and, for hashes filed
    /// recently (<see cref="RecipientHints"/>), their state records and the buckets of their references' guessed
    /// sequences. Call it with every record of a batch, then insert them. A hint: it changes nothing, takes no lock,
    /// and a wrong guess costs only a useless prefetch.
    /// </summary>
    /// <param name="capabilities">The records' capabilities.</param>
    /// <param name="recipientHashes">The records' recipient hashes, in the same order.</param>
    /// <exception cref="ArgumentException">The two spans differ in length.</exception>
    public unsafe void Prefetch(ReadOnlySpan<FetchCapability> capabilities, ReadOnlySpan<RecipientHash> recipientHashes)
    {
        if (capabilities.Length != recipientHashes.Length)
        {
            throw new ArgumentException("One recipient hash per capability.", nameof(recipientHashes));
        }

        if (!Sse.IsSupported)
        {
            return;
        }

        var lines = stackalloc byte*[PrefetchChunk * 3];
        var hashCodes = stackalloc long[PrefetchChunk];
        for (var start = 0; start < capabilities.Length; start += PrefetchChunk)
        {
            var count = Math.Min(PrefetchChunk, capabilities.Length - start);

            // The addresses first, then the prefetches back to back. On a virtual machine a random address in these
            // indexes usually misses the TLB, and a prefetch holds its place until its page walk ends: spread among
            // other work the walks run one at a time, issued together they run side by side.
            for (var i = 0; i < count; i++)
            {
                var capability = capabilities[start + i].Value;
                var hash = recipientHashes[start + i].Value;
                var hashCode = _comparer.GetHashCode64(ref hash);
                hashCodes[i] = hashCode;
                lines[3 * i] = _capabilityBuckets.BucketOf(_comparer.GetHashCode64(ref capability));
                lines[(3 * i) + 1] = _recipientBuckets.BucketOf(hashCode);
                lines[(3 * i) + 2] = _recipientHints.EntryOf(hashCode);
            }

            PrefetchAll(lines, 3 * count);

            // What the hints point to: the state record and the bucket of the reference's guessed sequence.
            var guessed = 0;
            for (var i = 0; i < count; i++)
            {
                if (_recipientHints.TryTake(hashCodes[i], out var sequence, out var state))
                {
                    var key = new RefKey(recipientHashes[start + i].Value, sequence);
                    lines[guessed++] = _refBuckets.BucketOf(_comparer.GetHashCode64(ref key));
                    lines[guessed++] = state;
                }
            }

            PrefetchAll(lines, guessed);
        }
    }

    private static unsafe void PrefetchAll(byte** lines, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (lines[i] != null)
            {
                Sse.Prefetch0(lines[i]);
            }
        }
    }
}
