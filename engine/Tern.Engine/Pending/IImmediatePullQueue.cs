using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// Where the ingest hands references whose recipient wants them pulled <see cref="PullPreference.Immediately"/>:
/// the pull worker implements it. Called on the ingest loop once per newly filed reference, so it must not
/// block or allocate; the reference is already in the pending table, which the worker reads it from.
/// </summary>
public interface IImmediatePullQueue
{
    /// <summary>
    /// Queues a pull of the reference filed under <paramref name="recipientHash"/> at <paramref name="sequence"/>; false when
    /// the queue is full (the reference stays pending for a client to fetch). A pull begun at once carries
    /// <paramref name="annotation"/> in its journal record; the queue releases it otherwise (docs/ARCHITECTURE.md §5.6), but
    /// not when it returns false: the caller does.
    /// </summary>
    bool TryEnqueue(FetchCapability capability, RecipientHash recipientHash, ulong sequence, PullAnnotation? annotation = null);
}
