using Tern.Engine.Pending;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>A pull the journal saw begin and not end: the last run stopped or crashed during it (docs/ARCHITECTURE.md §5.6).</summary>
/// <param name="Hash">The recipient hash it was filed under.</param>
/// <param name="Reference">The reference as it was when the pull began (its sequence is 0: the table's may differ).</param>
public sealed record UnfinishedPull(RecipientHash Hash, PendingReference Reference);
