using System.Buffers.Binary;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Notification;

/// <summary>
/// Datagram nonces (docs/PROTOCOL.md §4.1): a 128-bit random prefix drawn once per process followed by a
/// 64-bit counter. Unique under every key without a system call per datagram — a random nonce costs a
/// <c>getrandom</c> call (<see cref="SecureRandom"/>), about as much as the AEAD itself (perf-reports/codec.md).
/// </summary>
internal static class NonceSource
{
    private static readonly byte[] Prefix = CreatePrefix();
    private static long s_counter;

    /// <summary>Writes the next nonce (24 bytes).</summary>
    public static void Next(Span<byte> nonce)
    {
        Prefix.CopyTo(nonce);
        BinaryPrimitives.WriteInt64BigEndian(nonce[16..], Interlocked.Increment(ref s_counter));
    }

    private static byte[] CreatePrefix()
    {
        var prefix = new byte[16];
        SecureRandom.Fill(prefix);
        return prefix;
    }
}
