using System.Globalization;
using Tern.Engine.Pending;

namespace Tern.Node;

/// <summary>
/// Configuration for a node of a few thousand references (the demo, tests, benchmarks): the pending table sized as
/// <see cref="PendingTableOptions.Small"/> sizes it, written as <c>Tern:Pending:*</c> keys so the sizes live in one place.
/// </summary>
public static class TernSmallFootprint
{
    /// <summary>The <c>Tern:Pending:*</c> keys of <see cref="PendingTableOptions.Small"/>.</summary>
    public static IReadOnlyDictionary<string, string?> PendingSettings { get; } = Pending(PendingTableOptions.Small(""));

    /// <summary>
    /// The <c>Tern:Pending:*</c> keys of <see cref="PendingTableOptions.ForReferences"/>: a pending table that holds about
    /// <paramref name="references"/> references in memory, for a node whose load is known (a benchmark's campaign).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> PendingSettingsFor(long references) => Pending(PendingTableOptions.ForReferences("", references));

    private static Dictionary<string, string?> Pending(PendingTableOptions small)
    {
        static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string?>
        {
            ["Tern:Pending:RefIndexBytes"] = Text(small.RefIndexBytes),
            ["Tern:Pending:CapabilityIndexBytes"] = Text(small.CapabilityIndexBytes),
            ["Tern:Pending:RecipientIndexBytes"] = Text(small.RecipientIndexBytes),
            ["Tern:Pending:PageBytes"] = Text(small.PageBytes),
            ["Tern:Pending:RefLogMemoryBytes"] = Text(small.RefLogMemoryBytes),
            ["Tern:Pending:CapabilityLogMemoryBytes"] = Text(small.CapabilityLogMemoryBytes),
            ["Tern:Pending:RecipientLogMemoryBytes"] = Text(small.RecipientLogMemoryBytes),
            ["Tern:Pending:SegmentBytes"] = Text(small.SegmentBytes),
            ["Tern:Pending:MaxSessions"] = Text(small.MaxSessions),
        };
    }
}
