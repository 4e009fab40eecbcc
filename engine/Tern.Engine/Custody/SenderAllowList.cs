using Tern.Engine.Protocol;

namespace Tern.Engine.Custody;

/// <summary>The sender domains a gateway takes responsibility from: normalized names, or <c>*</c> for any.</summary>
internal sealed class SenderAllowList(IEnumerable<string> senders)
{
    private readonly HashSet<string> _senders = new(senders.Select(s => s == "*" ? s : DomainName.Normalize(s)), StringComparer.Ordinal);

    public bool Allows(string domain) => _senders.Contains("*") || _senders.Contains(domain);
}
