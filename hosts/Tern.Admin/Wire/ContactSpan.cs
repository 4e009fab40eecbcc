namespace Tern.Admin.Wire;

/// <summary>One window of a contact.</summary>
/// <param name="Opens">When it opens.</param>
/// <param name="Closes">When it closes.</param>
public sealed record ContactSpan(DateTimeOffset Opens, DateTimeOffset Closes);
