using System.Globalization;
using System.Text;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// Tern's DNS records (docs/PROTOCOL.md §6.3): the TXT record at <c>_tern.&lt;domain&gt;</c> carrying identity
/// fingerprints, and the SRV records <c>_tern._udp</c> (notifications) and <c>_tern._tcp</c> (framed fetch door).
/// Formatting is for operators (zone-file text) and test servers; parsing is for resolvers.
/// </summary>
public static class TernDnsRecords
{
    /// <summary>TTL written into zone lines unless told otherwise. Defaults to one hour.</summary>
    public const int DefaultTtl = 3600;

    /// <summary>The version tag every Tern TXT value starts with.</summary>
    public const string VersionTag = "tern1";

    // A zone-file <character-string> holds at most 255 bytes; longer TXT values are split into several.
    private const int MaxCharacterString = 255;

    /// <summary>Absolute owner name of the TXT record: <c>_tern.&lt;domain&gt;.</c></summary>
    public static string TxtOwner(string domain) => $"_tern.{DomainName.Normalize(domain)}.";

    /// <summary>Absolute owner name of the notification SRV record: <c>_tern._udp.&lt;domain&gt;.</c></summary>
    public static string NotifySrvOwner(string domain) => $"_tern._udp.{DomainName.Normalize(domain)}.";

    /// <summary>Absolute owner name of the framed fetch door's SRV record: <c>_tern._tcp.&lt;domain&gt;.</c></summary>
    public static string FetchSrvOwner(string domain) => $"_tern._tcp.{DomainName.Normalize(domain)}.";

    /// <summary>The TXT value <c>v=tern1; fp=…</c> with one <c>fp</c> pair per fingerprint (several during key rotation).</summary>
    /// <exception cref="ArgumentException">No fingerprint given.</exception>
    public static string FormatTxtValue(params ReadOnlySpan<Bytes32> fingerprints)
    {
        if (fingerprints.IsEmpty)
        {
            throw new ArgumentException("A Tern TXT record needs at least one fingerprint.", nameof(fingerprints));
        }

        var text = new StringBuilder("v=").Append(VersionTag);
        foreach (var fingerprint in fingerprints)
        {
            text.Append("; fp=").Append(fingerprint.ToString());
        }

        return text.ToString();
    }

    /// <summary>
    /// Parses a TXT value (its character-strings already concatenated): <c>;</c>-separated <c>name=value</c> pairs,
    /// <c>v=tern1</c> first, unknown pairs ignored, whitespace around names, values and separators tolerated, empty
    /// segments skipped. Every <c>fp</c> must be a valid fingerprint. Never throws.
    /// </summary>
    public static TxtRecordParse ParseTxtValue(ReadOnlySpan<char> value)
    {
        List<Bytes32>? fingerprints = null;
        var sawVersion = false;
        while (!value.IsEmpty)
        {
            var separator = value.IndexOf(';');
            var pair = Trim(separator < 0 ? value : value[..separator]);
            value = separator < 0 ? default : value[(separator + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var name = equals < 0 ? default : Trim(pair[..equals]);
            if (name.IsEmpty)
            {
                return TxtRecordParse.Fail(sawVersion ? TxtRecordFailure.Malformed : TxtRecordFailure.NotTern, $"'{Excerpt(pair)}' is not name=value");
            }

            var pairValue = Trim(pair[(equals + 1)..]);
            if (!sawVersion)
            {
                if (!name.SequenceEqual("v"))
                {
                    return TxtRecordParse.Fail(TxtRecordFailure.NotTern, $"first pair is '{Excerpt(pair)}', not v=tern1");
                }

                if (!pairValue.SequenceEqual(VersionTag))
                {
                    return TxtRecordParse.Fail(TxtRecordFailure.UnsupportedVersion, $"v={Excerpt(pairValue)}");
                }

                sawVersion = true;
            }
            else if (name.SequenceEqual("v"))
            {
                return TxtRecordParse.Fail(TxtRecordFailure.Malformed, "v given more than once");
            }
            else if (name.SequenceEqual("fp"))
            {
                if (!CanonicalBase64Url.TryDecode(pairValue, out var fingerprint))
                {
                    return TxtRecordParse.Fail(TxtRecordFailure.BadFingerprint, $"fp={Excerpt(pairValue)}");
                }

                (fingerprints ??= []).Add(fingerprint);
            }
        }

        if (!sawVersion)
        {
            return TxtRecordParse.Fail(TxtRecordFailure.NotTern, "no v=tern1");
        }

        return fingerprints is null
            ? TxtRecordParse.Fail(TxtRecordFailure.NoFingerprint, "no fp= pair")
            : TxtRecordParse.Valid(fingerprints);
    }

    /// <summary>The TXT record as a zone-file line: <c>_tern.&lt;domain&gt;. ttl IN TXT "v=tern1; fp=…"</c>.</summary>
    public static string FormatTxtZoneLine(string domain, ReadOnlySpan<Bytes32> fingerprints, int ttl = DefaultTtl)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ttl);
        var owner = TxtOwner(domain);
        var value = FormatTxtValue(fingerprints);
        var line = new StringBuilder(owner).Append(' ').Append(ttl.ToString(CultureInfo.InvariantCulture)).Append(" IN TXT");
        for (var start = 0; start < value.Length; start += MaxCharacterString)
        {
            // The value is base64url and "v=tern1; fp=": nothing in it needs escaping inside quotes.
            line.Append(" \"").Append(value.AsSpan(start, Math.Min(MaxCharacterString, value.Length - start))).Append('"');
        }

        return line.ToString();
    }

    /// <summary>The notification SRV record as a zone-file line: <c>_tern._udp.&lt;domain&gt;. ttl IN SRV …</c>.</summary>
    public static string FormatNotifySrvZoneLine(string domain, SrvRecord record, int ttl = DefaultTtl) => record.ToZoneLine(NotifySrvOwner(domain), ttl);

    /// <summary>The framed fetch door's SRV record as a zone-file line: <c>_tern._tcp.&lt;domain&gt;. ttl IN SRV …</c>.</summary>
    public static string FormatFetchSrvZoneLine(string domain, SrvRecord record, int ttl = DefaultTtl) => record.ToZoneLine(FetchSrvOwner(domain), ttl);

    /// <summary>The three records a domain publishes (TXT, <c>_tern._udp</c> SRV, <c>_tern._tcp</c> SRV), one zone-file line each.</summary>
    public static string FormatZone(string domain, ReadOnlySpan<Bytes32> fingerprints, SrvRecord notify, SrvRecord fetch, int ttl = DefaultTtl)
        => new StringBuilder()
            .Append(FormatTxtZoneLine(domain, fingerprints, ttl)).Append('\n')
            .Append(FormatNotifySrvZoneLine(domain, notify, ttl)).Append('\n')
            .Append(FormatFetchSrvZoneLine(domain, fetch, ttl)).Append('\n')
            .ToString();

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text) => text.Trim(" \t\r\n");

    private static string Excerpt(ReadOnlySpan<char> text) => (text.Length <= 64 ? text : text[..64]).ToString();
}
