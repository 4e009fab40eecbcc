namespace Tern.Admin.Wire;

/// <summary>A page of one recipient hash's pending references; <c>next</c> is the <c>after</c> of the next page, null on the last.</summary>
public sealed record PendingPage(string RecipientHash, IReadOnlyList<PendingItem> Items, long? Next);
