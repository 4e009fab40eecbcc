using System.Net;
using System.Net.Sockets;

namespace Tern.ClientApi.Auth;

/// <summary>
/// Rate limits of the unauthenticated routes (docs/C2S.md §5): per source address (IPv6 by /64) at most
/// <c>perSourcePerMinute</c> requests a minute; per account (the user a code, password or device token was for, or the
/// address tried) after <c>failuresPerHour</c> failures in an hour, one attempt a minute. A refusal says how long to wait.
/// The tables are bounded: the oldest windows are dropped first when they fill.
/// </summary>
internal sealed class AuthRateLimiter
{
    private const int MaxTracked = 100_000;
    private readonly Lock _lock = new();
    private readonly Dictionary<UInt128, Window> _sources = [];
    private readonly Dictionary<string, Failures> _accounts = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _perSourcePerMinute;
    private readonly int _failuresPerHour;

    public AuthRateLimiter(int perSourcePerMinute = 10, int failuresPerHour = 20, TimeProvider? time = null)
    {
        _perSourcePerMinute = perSourcePerMinute;
        _failuresPerHour = failuresPerHour;
        _time = time ?? TimeProvider.System;
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Counts a request from <paramref name="source"/>: null when it may go ahead, else the seconds to wait.</summary>
    public int? TrySource(IPAddress? source)
    {
        var key = SourceKey(source);
        var now = NowMs;
        lock (_lock)
        {
            if (!_sources.TryGetValue(key, out var window) || now - window.StartMs >= 60_000)
            {
                if (_sources.Count >= MaxTracked)
                {
                    _sources.Clear();
                }

                window = new Window { StartMs = now };
                _sources[key] = window;
            }

            if (window.Count >= _perSourcePerMinute)
            {
                return (int)Math.Max(1, (window.StartMs + 60_000 - now + 999) / 1000);
            }

            window.Count++;
            return null;
        }
    }

    /// <summary>Whether <paramref name="account"/> may try now: null, else the seconds to wait.</summary>
    public int? TryAccount(string account)
    {
        var now = NowMs;
        lock (_lock)
        {
            if (!_accounts.TryGetValue(account, out var failures) || now - failures.StartMs >= 3_600_000 || failures.Count < _failuresPerHour)
            {
                return null;
            }

            // Over the limit: one attempt a minute.
            var wait = failures.LastAttemptMs + 60_000 - now;
            if (wait > 0)
            {
                return (int)((wait + 999) / 1000);
            }

            failures.LastAttemptMs = now;
            return null;
        }
    }

    /// <summary>Records a failed attempt on <paramref name="account"/>.</summary>
    public void Failed(string account)
    {
        var now = NowMs;
        lock (_lock)
        {
            if (!_accounts.TryGetValue(account, out var failures) || now - failures.StartMs >= 3_600_000)
            {
                if (_accounts.Count >= MaxTracked)
                {
                    _accounts.Clear();
                }

                failures = new Failures { StartMs = now };
                _accounts[account] = failures;
            }

            failures.Count++;
            failures.LastAttemptMs = now;
        }
    }

    /// <summary>IPv4 whole; IPv6 by its /64, since one host commonly holds a whole /64.</summary>
    private static UInt128 SourceKey(IPAddress? address)
    {
        if (address is null)
        {
            return 0;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            bytes[8..].Clear();
        }

        return new UInt128(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..])) + (uint)written;
    }

    private sealed class Window
    {
        public long StartMs;
        public int Count;
    }

    private sealed class Failures
    {
        public long StartMs;
        public long LastAttemptMs;
        public int Count;
    }
}
