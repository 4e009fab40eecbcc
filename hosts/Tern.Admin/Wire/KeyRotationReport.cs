namespace Tern.Admin.Wire;

/// <summary>
/// A key rotation begun (docs/PROTOCOL.md §16): the keys that sign now, the window in which the previous ones are still
/// accepted, and the DNS TXT values to publish during and after it.
/// </summary>
public sealed record KeyRotationReport(
    string State,
    string Fingerprint,
    string AgreementKey,
    string PreviousFingerprint,
    DateTimeOffset RotatesAt,
    DateTimeOffset PreviousUntil,
    string TxtDuringWindow,
    string TxtAfterWindow);
