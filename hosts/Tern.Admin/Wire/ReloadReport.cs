namespace Tern.Admin.Wire;

/// <summary>What a configuration reload did: the settings applied at once, and those changed that need a restart.</summary>
public sealed record ReloadReport(IReadOnlyList<string> Applied, IReadOnlyList<string> NeedRestart);
