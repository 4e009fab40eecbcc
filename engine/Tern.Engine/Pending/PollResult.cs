namespace Tern.Engine.Pending;

/// <summary>One page of a recipient hash's pending references, in sequence order.</summary>
public sealed class PollResult
{
    internal static readonly PollResult EmptyAtStart = new([], 0, hasMore: false);

    internal PollResult(IReadOnlyList<PendingReference> references, ulong nextCursor, bool hasMore)
    {
        References = references;
        NextCursor = nextCursor;
        HasMore = hasMore;
    }

    /// <summary>The references after the cursor, at most the requested limit.</summary>
    public IReadOnlyList<PendingReference> References { get; }

    /// <summary>The cursor to poll after next time: the last sequence this poll looked at (or the cursor it was given).</summary>
    public ulong NextCursor { get; }

    /// <summary>True when sequences beyond <see cref="NextCursor"/> may hold more references: poll again at once.</summary>
    public bool HasMore { get; }
}
