using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Transports.Fetch.Http;

/// <summary>
/// The header strings of a blob's responses (ETag, Expires, Cache-Control), made once per capability instead of once
/// per request: a blob is immutable, and a popular one is fetched again and again (resumes, repeated fetches, caches
/// revalidating). Bounded: when full it is cleared and refills with what is hot. Cache-Control is remade when the
/// second it was made for has passed, since its max-age counts down to the expiry.
/// </summary>
internal sealed class BlobHeaderCache
{
    private readonly ConcurrentDictionary<FetchCapability, Entry> _entries = new();
    private readonly int _capacity;
    private readonly TimeProvider _time;

    public BlobHeaderCache(int capacity, TimeProvider time)
    {
        _capacity = capacity;
        _time = time;
    }

    public Entry Get(FetchCapability capability, in BlobInfo blob) => Get(capability, blob, _time.GetUtcNow());

    /// <summary>The entry of <paramref name="capability"/>, its Cache-Control made for <paramref name="now"/>.</summary>
    public Entry Get(FetchCapability capability, in BlobInfo blob, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(capability, out var entry) || entry.PayloadHash != blob.PayloadHash)
        {
            if (_entries.Count >= _capacity)
            {
                _entries.Clear();
            }

            entry = new Entry(blob);
            _entries[capability] = entry;
        }

        entry.Refresh(now);
        return entry;
    }

    /// <summary>Header strings of one blob.</summary>
    internal sealed class Entry
    {
        private readonly DateTimeOffset _expiry;
        private readonly string? _mimeHint;
        private long _second = long.MinValue;
        private string _cacheControl = "";
        private byte[] _http1Fields = [];

        public Entry(in BlobInfo blob)
        {
            PayloadHash = blob.PayloadHash;
            _expiry = blob.TransitExpiry;
            ETag = MakeETag(blob.PayloadHash);
            Expires = blob.TransitExpiry.ToString("R", CultureInfo.InvariantCulture);
            _mimeHint = string.IsNullOrEmpty(blob.MimeHint) || blob.MimeHint.AsSpan().ContainsAnyExceptInRange(' ', '~') ? null : blob.MimeHint;
        }

        public Bytes32 PayloadHash { get; }

        /// <summary><c>"&lt;payload hash base64url&gt;"</c>, strong (docs/PROTOCOL.md §8.1).</summary>
        public string ETag { get; }

        /// <summary>The transit expiry rounded down to the second, as an IMF-fixdate (§8.1).</summary>
        public string Expires { get; }

        /// <summary><c>public, max-age=&lt;seconds to expiry&gt;, immutable</c>.</summary>
        public string CacheControl => Volatile.Read(ref _cacheControl);

        /// <summary>
        /// The same fields as HTTP/1.1 header lines, ready to copy: ETag, Cache-Control, Expires, Accept-Ranges and the
        /// MIME hint (when it is a clean header value), each ending in CRLF.
        /// </summary>
        public ReadOnlySpan<byte> Http1Fields => Volatile.Read(ref _http1Fields);

        public void Refresh(DateTimeOffset now)
        {
            var second = now.ToUnixTimeSeconds();
            if (Volatile.Read(ref _second) == second)
            {
                return;
            }

            // Whole seconds on both sides (§8.1): Date, which names the current second, plus max-age is then exactly Expires,
            // the expiry rounded down, so no cache keeps the blob past it. Constant within the second, as this cache needs.
            var maxAge = Math.Max(0, _expiry.ToUnixTimeSeconds() - second);
            var cacheControl = string.Create(CultureInfo.InvariantCulture, $"public, max-age={maxAge}, immutable");
            var mime = _mimeHint is null ? "" : $"Tern-Mime-Hint: {_mimeHint}\r\n";
            Volatile.Write(ref _cacheControl, cacheControl);
            Volatile.Write(ref _http1Fields, Encoding.ASCII.GetBytes($"ETag: {ETag}\r\nCache-Control: {cacheControl}\r\nExpires: {Expires}\r\nAccept-Ranges: bytes\r\n{mime}"));
            Volatile.Write(ref _second, second);
        }

        private static string MakeETag(Bytes32 hash)
        {
            Span<char> text = stackalloc char[Bytes32.TextLength + 2];
            text[0] = '"';
            hash.TryFormat(text[1..], out var written);
            text[written + 1] = '"';
            return new string(text[..(written + 2)]);
        }
    }
}
