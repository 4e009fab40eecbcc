using System.Text;

namespace Tern.Engine.Protocol.Notification;

/// <summary>
/// The fetch hints of a notification record in wire form: a count and that many short strings of
/// printable ASCII URIs (docs/PROTOCOL.md §4.2, §8.5). A node encodes its own hints once and reuses them.
/// </summary>
public readonly ref struct FetchHintList
{
    private FetchHintList(ReadOnlySpan<byte> encoded, int count)
    {
        Encoded = encoded;
        Count = count;
    }

    /// <summary>The concatenated short strings, without the count byte.</summary>
    public ReadOnlySpan<byte> Encoded { get; }

    /// <summary>Number of hints.</summary>
    public int Count { get; }

    /// <summary>No hints.</summary>
    public static FetchHintList Empty => default;

    /// <summary>Encodes URIs to the wire form, throwing when one breaks the limits.</summary>
    public static byte[] Encode(IReadOnlyList<string> uris)
    {
        ArgumentNullException.ThrowIfNull(uris);
        if (uris.Count > NotificationLimits.MaxFetchHints)
        {
            throw new ArgumentException($"At most {NotificationLimits.MaxFetchHints} fetch hints, got {uris.Count}.", nameof(uris));
        }

        var buffer = new List<byte>();
        foreach (var uri in uris)
        {
            var bytes = Encoding.ASCII.GetBytes(uri);
            if (bytes.Length is 0 or > NotificationLimits.MaxFetchHintLength || uri.Any(c => c is < ' ' or > '~'))
            {
                throw new ArgumentException($"Fetch hint '{uri}' must be 1–{NotificationLimits.MaxFetchHintLength} printable ASCII characters.", nameof(uris));
            }

            buffer.Add((byte)bytes.Length);
            buffer.AddRange(bytes);
        }

        return [.. buffer];
    }

    /// <summary>Validates an encoded list (as produced by <see cref="Encode"/>).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> encoded, out FetchHintList hints)
    {
        var offset = 0;
        var count = 0;
        while (offset < encoded.Length)
        {
            if (++count > NotificationLimits.MaxFetchHints
                || !ShortString.TryRead(encoded, ref offset, out var hint)
                || hint.Length == 0 || hint.Length > NotificationLimits.MaxFetchHintLength
                || !ShortString.IsPrintableAscii(hint))
            {
                hints = default;
                return false;
            }
        }

        hints = new FetchHintList(encoded, count);
        return true;
    }

    /// <summary>Reads <paramref name="count"/> hints at <paramref name="offset"/> of a record, advancing it.</summary>
    internal static bool TryRead(ReadOnlySpan<byte> record, scoped ref int offset, int count, out FetchHintList hints)
    {
        var start = offset;
        for (var i = 0; i < count; i++)
        {
            if (!ShortString.TryRead(record, ref offset, out var hint)
                || hint.Length == 0 || hint.Length > NotificationLimits.MaxFetchHintLength
                || !ShortString.IsPrintableAscii(hint))
            {
                hints = default;
                return false;
            }
        }

        hints = new FetchHintList(record[start..offset], count);
        return true;
    }

    /// <summary>Enumerates the hints as ASCII byte spans.</summary>
    public Enumerator GetEnumerator() => new(Encoded);

    /// <summary>Allocation-free enumerator over the hints.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _encoded;
        private int _offset;

        internal Enumerator(ReadOnlySpan<byte> encoded)
        {
            _encoded = encoded;
            _offset = 0;
            Current = default;
        }

        /// <summary>The current hint.</summary>
        public ReadOnlySpan<byte> Current { get; private set; }

        /// <summary>Moves to the next hint.</summary>
        public bool MoveNext()
        {
            if (_offset >= _encoded.Length || !ShortString.TryRead(_encoded, ref _offset, out var hint))
            {
                return false;
            }

            Current = hint;
            return true;
        }
    }
}
