using System.Text;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

/// <summary>
/// What every reference a sender files through one key repeats: the sender key, sender domain, MIME hint and fetch
/// hints (docs/ARCHITECTURE.md §3.5). Stored once and named by an id in each reference; decoded once, so a poll shares
/// its strings across the references it returns.
/// </summary>
internal sealed class SenderProfile
{
    private SenderProfile(int id, byte[] encoded, Bytes32 senderKey, string senderDomain, string mimeHint, string[] fetchHints)
    {
        Id = id;
        Encoded = encoded;
        SenderKey = senderKey;
        SenderDomain = senderDomain;
        MimeHint = mimeHint;
        FetchHints = fetchHints;
    }

    public int Id { get; }

    /// <summary>The profile as <see cref="SenderProfileCodec"/> encodes it.</summary>
    public byte[] Encoded { get; }

    public Bytes32 SenderKey { get; }

    public string SenderDomain { get; }

    public string MimeHint { get; }

    public string[] FetchHints { get; }

    /// <summary>The profile of <paramref name="encoded"/>, or null when the bytes are not an encoded profile.</summary>
    public static SenderProfile? Decode(int id, byte[] encoded)
    {
        if (!SenderProfileCodec.TryRead(encoded, out var key, out var domain, out var mime, out var hintCount, out var hints))
        {
            return null;
        }

        var uris = hintCount == 0 ? [] : new string[hintCount];
        var offset = 0;
        for (var i = 0; i < hintCount; i++)
        {
            uris[i] = Encoding.ASCII.GetString(hints.Slice(offset + 1, hints[offset]));
            offset += 1 + hints[offset];
        }

        return new SenderProfile(id, encoded, new Bytes32(key), Encoding.ASCII.GetString(domain), mime.IsEmpty ? string.Empty : Encoding.ASCII.GetString(mime), uris);
    }
}
