using System.Diagnostics.CodeAnalysis;

namespace Tern.Engine.Discovery;

/// <summary>The answer for one domain: the peer, or the reason there is none, and until when the answer holds.</summary>
public readonly struct DiscoveryResult
{
    private DiscoveryResult(DiscoveredPeer? peer, DiscoveryFailure failure, string? detail, DateTimeOffset expiresAt, bool transient, DateTimeOffset? refreshAt = null)
    {
        Peer = peer;
        Failure = failure;
        Detail = detail;
        ExpiresAt = expiresAt;
        IsTransient = transient;
        RefreshAt = refreshAt ?? expiresAt;
    }

    /// <summary>The peer; null when <see cref="Failure"/> is set.</summary>
    public DiscoveredPeer? Peer { get; }

    /// <summary>Why there is no peer; <see cref="DiscoveryFailure.None"/> when there is one.</summary>
    public DiscoveryFailure Failure { get; }

    /// <summary>What failed, in words: the record, the status, the field.</summary>
    public string? Detail { get; }

    /// <summary>When the answer stops holding: the cache asks again from then on.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>
    /// When a lookup that finds this answer in the cache also refreshes it in the background
    /// (<see cref="DiscoveryOptions.PrefetchRatio"/>); <see cref="ExpiresAt"/> when there is no such point.
    /// </summary>
    public DateTimeOffset RefreshAt { get; }

    /// <summary>
    /// The failure may pass by itself (a name server or web server that did not answer) rather than being what the domain
    /// publishes (no record, a bad signature): a peer known before keeps being used through a transient failure.
    /// </summary>
    public bool IsTransient { get; }

    /// <summary>True when <see cref="Peer"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Peer))]
    public bool IsFound => Peer is not null;

    /// <summary>A discovered peer, good until <paramref name="expiresAt"/>.</summary>
    public static DiscoveryResult Found(DiscoveredPeer peer, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return new DiscoveryResult(peer, DiscoveryFailure.None, null, expiresAt, transient: false);
    }

    /// <summary>A failure, cached until <paramref name="expiresAt"/>.</summary>
    /// <param name="failure">The reason.</param>
    /// <param name="detail">What failed, in words.</param>
    /// <param name="expiresAt">Until when the failure is cached.</param>
    /// <param name="transient">Overrides <see cref="IsTransientFailure"/> (an HTTP 503 passes, a 404 does not).</param>
    public static DiscoveryResult Fail(DiscoveryFailure failure, string detail, DateTimeOffset expiresAt, bool? transient = null)
    {
        if (failure == DiscoveryFailure.None)
        {
            throw new ArgumentException("A failed result needs a reason.", nameof(failure));
        }

        return new DiscoveryResult(null, failure, detail, expiresAt, transient ?? IsTransientFailure(failure));
    }

    /// <summary>The same answer, refreshed in the background from <paramref name="refreshAt"/>.</summary>
    internal DiscoveryResult WithRefreshAt(DateTimeOffset refreshAt) => new(Peer, Failure, Detail, ExpiresAt, IsTransient, refreshAt);

    /// <summary>
    /// Failures that are the domain's own statement that an earlier answer no longer holds — it publishes no Tern records,
    /// or its TXT record no longer names the key — as opposed to garbage or absence, which change nothing already known.
    /// </summary>
    public static bool RevokesEarlierAnswer(DiscoveryFailure failure) => failure is DiscoveryFailure.DomainNotFound
        or DiscoveryFailure.TxtMissing
        or DiscoveryFailure.FingerprintMismatch;

    /// <summary>Failures that say nothing about what the domain publishes: the network or a server was not there.</summary>
    public static bool IsTransientFailure(DiscoveryFailure failure) => failure is DiscoveryFailure.DnsTimeout
        or DiscoveryFailure.DnsFailure
        or DiscoveryFailure.DescriptorTimeout
        or DiscoveryFailure.DescriptorUnreachable
        or DiscoveryFailure.LookupTimeout
        or DiscoveryFailure.LookupError;

    /// <inheritdoc />
    public override string ToString() => IsFound ? $"{Peer.Domain} until {ExpiresAt:O}" : $"{Failure}: {Detail}";
}
