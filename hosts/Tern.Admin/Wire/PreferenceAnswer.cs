namespace Tern.Admin.Wire;

/// <summary>The preference the ingest applies to a sender domain's notifications for a recipient hash.</summary>
public sealed record PreferenceAnswer(string RecipientHash, string SenderDomain, string Preference);
