namespace Tern.Admin.Wire;

/// <summary>One blocked sender domain and the records dropped for it (since it was blocked in this process).</summary>
public sealed record BlockedDomain(string Domain, long DroppedRecords);
