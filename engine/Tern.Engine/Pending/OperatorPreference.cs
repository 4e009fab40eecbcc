using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>One override the operator set in a <see cref="PullPreferenceTable"/>: a null <paramref name="SenderDomain"/> is the hash's default.</summary>
public sealed record OperatorPreference(RecipientHash RecipientHash, string? SenderDomain, PullPreference Preference);
