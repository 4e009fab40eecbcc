namespace Tern.Admin.Wire;

/// <summary>The economics route's answer: every account and every peer domain, by name.</summary>
public sealed record EconomicsReport(IReadOnlyList<AccountEconomics> Accounts, IReadOnlyList<DomainEconomics> Domains);
