namespace Tern.Engine.Custody;

/// <summary>
/// What a gateway takes responsibility for (docs/PROTOCOL.md §10.4; section <c>Tern:Gateway</c> of a node in the
/// <c>Gateway</c> role). Every limit is checked before a byte is fetched. Validated when the gateway is created.
/// </summary>
public sealed class CustodyGatewayOptions
{
    /// <summary>
    /// Sender domains whose offers are taken; <c>*</c> takes any domain with a verifiable descriptor. Defaults to none: a
    /// gateway stores only for the domains it serves (seed 001, "Blind Intermediate Servers"), so the operator lists them.
    /// </summary>
    public IList<string> Senders { get; } = [];

    /// <summary>Recipient domains the gateway notifies for; empty takes any. Defaults to empty.</summary>
    public IList<string> Destinations { get; } = [];

    /// <summary>Largest blob taken, in bytes. Defaults to 4 GiB.</summary>
    public long MaxBlobBytes { get; set; } = 4L << 30;

    /// <summary>
    /// The furthest expiry the gateway honours, from now; offers asking for more are declined <c>expiry</c>. At most the
    /// transit store's own limits. Defaults to 30 days, the protocol's maximum.
    /// </summary>
    public TimeSpan MaxExpiry { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The least time to expiry an offer must leave: a blob about to expire cannot be carried and notified usefully, and
    /// is declined <c>expiry</c>. Defaults to 1 minute.
    /// </summary>
    public TimeSpan MinRemaining { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The high-water mark in bytes: an offer that would take the bytes held (live blobs and transfers under way) past it
    /// is declined <c>full</c>, and serving goes on. 0 for none. Defaults to 0.
    /// </summary>
    public long HighWaterBytes { get; set; }

    /// <summary>
    /// The high-water mark in free space: an offer whose blob would leave less than this free on the data volume is
    /// declined <c>full</c>. Defaults to 256 MiB.
    /// </summary>
    public long HighWaterFreeBytes { get; set; } = 256L << 20;

    /// <summary>
    /// How long an offer's answer waits for the transfer it started before answering <c>in_progress</c>. Defaults to 2 s.
    /// </summary>
    public TimeSpan OfferWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The <c>retry_after</c> of an <c>in_progress</c> answer. Defaults to 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Fetch attempts per sender door before a transfer gives up (<c>fetch_failed</c>). Defaults to 3.</summary>
    public int AttemptsPerSource { get; set; } = 3;

    /// <summary>Delay before the second attempt at a door; later ones double. Defaults to 500 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Refuses an out-of-range value with an error naming the option.</summary>
    public void Validate()
    {
        Require(Senders.All(s => !string.IsNullOrWhiteSpace(s)), nameof(Senders), string.Join(',', Senders), "domain names or *");
        Require(MaxBlobBytes >= 0, nameof(MaxBlobBytes), MaxBlobBytes, "at least 0");
        Require(MaxExpiry > TimeSpan.Zero && MaxExpiry <= TimeSpan.FromDays(30), nameof(MaxExpiry), MaxExpiry, "between 0 and 30 days (docs/PROTOCOL.md §12)");
        Require(MinRemaining >= TimeSpan.Zero && MinRemaining < MaxExpiry, nameof(MinRemaining), MinRemaining, "at least 0 and less than MaxExpiry");
        Require(HighWaterBytes >= 0, nameof(HighWaterBytes), HighWaterBytes, "at least 0");
        Require(HighWaterFreeBytes >= 0, nameof(HighWaterFreeBytes), HighWaterFreeBytes, "at least 0");
        Require(OfferWait >= TimeSpan.Zero && OfferWait <= TimeSpan.FromMinutes(1), nameof(OfferWait), OfferWait, "between 0 and 1 minute");
        Require(RetryAfter >= TimeSpan.FromMilliseconds(1) && RetryAfter <= TimeSpan.FromHours(1), nameof(RetryAfter), RetryAfter, "between 1 ms and 1 hour");
        Require(AttemptsPerSource >= 1, nameof(AttemptsPerSource), AttemptsPerSource, "at least 1");
        Require(RetryDelay >= TimeSpan.Zero, nameof(RetryDelay), RetryDelay, "at least 0");
    }

    private static void Require(bool ok, string name, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"CustodyGatewayOptions.{name} = {value}: must be {rule}.");
        }
    }
}
