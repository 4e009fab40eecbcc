namespace Tern.Admin.Wire;

/// <summary>The body of a block: the sender domain to drop notifications from.</summary>
public sealed record BlockRequest(string? Domain);
