namespace Tern.Engine.Pending;

/// <summary>
/// One session's last interned sender profile and last sender domain's counter. The records of a datagram share a sender
/// key, and a sender's records mostly one domain, MIME hint and fetch hints, so most inserts find both here with one
/// comparison instead of hashing into <see cref="SenderProfiles"/> and <see cref="DomainCounters"/>. Safe to keep for the
/// table's lifetime: a profile's id and a domain's counter never change once created.
/// </summary>
internal sealed class LastSender
{
    private readonly byte[] _profile = new byte[SenderProfileCodec.MaxSize];
    private int _profileLength = -1;
    private int _profileId;
    private DomainCounter? _domain;

    /// <summary>The id of <paramref name="profile"/> if it is the last one remembered.</summary>
    public bool TryGetProfileId(ReadOnlySpan<byte> profile, out int id)
    {
        id = _profileId;
        return profile.Length == _profileLength && profile.SequenceEqual(_profile.AsSpan(0, _profileLength));
    }

    public void RememberProfile(ReadOnlySpan<byte> profile, int id)
    {
        profile.CopyTo(_profile);
        _profileLength = profile.Length;
        _profileId = id;
    }

    /// <summary>The counter of <paramref name="senderDomain"/> if it is the last one remembered.</summary>
    public DomainCounter? Domain(ReadOnlySpan<byte> senderDomain) => _domain is { } last && senderDomain.SequenceEqual(last.Name) ? last : null;

    public void RememberDomain(DomainCounter counter) => _domain = counter;
}
