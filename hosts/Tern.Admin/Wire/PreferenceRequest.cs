namespace Tern.Admin.Wire;

/// <summary>
/// A pull preference to set for a recipient hash: for one sender domain, or (without one) for every sender it set nothing
/// for. <c>preference</c> is <c>whenRequested</c>, <c>immediately</c> or <c>ignore</c>; null for the default clears it.
/// </summary>
public sealed record PreferenceRequest(string? RecipientHash, string? SenderDomain, string? Preference);
