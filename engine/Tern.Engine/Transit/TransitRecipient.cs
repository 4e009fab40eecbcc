using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>One recipient of a submission: the destination domain and the recipient hash filed there (docs/PROTOCOL.md §5).</summary>
/// <param name="Domain">Destination domain; normalized with <see cref="DomainName.Normalize"/> at submission.</param>
/// <param name="Hash">The recipient hash.</param>
public readonly record struct TransitRecipient(string Domain, RecipientHash Hash);
