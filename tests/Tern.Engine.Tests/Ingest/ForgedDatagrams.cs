using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// Well-shaped notification datagrams that no key opens: version 1, type 1, a fresh random sender key each, random
/// nonce and sealed body of a minimal notification's length. What a forger can make at line rate without any key
/// agreement. Each call rewrites one buffer, so a flood of millions allocates nothing.
/// </summary>
internal sealed class ForgedDatagrams
{
    /// <summary>A minimal one-record notification: 58 + 9 + 2 + 119 + 16 bytes.</summary>
    public const int Length = 204;

    private readonly byte[] _datagram = new byte[Length];
    private ulong _state;

    public ForgedDatagrams(int seed)
    {
        var random = new Random(seed);
        random.NextBytes(_datagram);
        _datagram[0] = NotificationLimits.Version;
        _datagram[1] = (byte)DatagramType.Notification;
        _state = (ulong)random.NextInt64() | 1;
    }

    /// <summary>The next forgery: a new random sender key (xorshift, fast enough for millions).</summary>
    public ReadOnlySpan<byte> Next()
    {
        var key = _datagram.AsSpan(2, 32);
        for (var i = 0; i < 32; i += 8)
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            BitConverter.TryWriteBytes(key[i..], _state);
        }

        return _datagram;
    }

    /// <summary>A pseudo-random number for the caller (source choice), from the same generator.</summary>
    public ulong NextRandom()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
        return _state;
    }
}
