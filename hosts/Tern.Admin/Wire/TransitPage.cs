namespace Tern.Admin.Wire;

/// <summary>A page of the transit store; <c>next</c> is the <c>after</c> of the next page, null on the last.</summary>
public sealed record TransitPage(IReadOnlyList<TransitItem> Items, string? Next);
