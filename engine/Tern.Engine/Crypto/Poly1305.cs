using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>
/// Poly1305 (RFC 8439 §2.5) with three 44/44/42-bit limbs and 64×64→128-bit products. Branch-free: no
/// branch or index depends on the key, the message bytes or the accumulator, and the final reduction
/// selects with masks.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Poly1305
{
    /// <summary>One-time key length.</summary>
    public const int KeySize = 32;
    /// <summary>Tag length.</summary>
    public const int TagSize = 16;

    private const ulong Mask44 = 0xfffffffffff, Mask42 = 0x3ffffffffff;
    private const ulong FullBlockBit = 1UL << 40; // 2^128 in limb 2

    private ulong _r0, _r1, _r2, _s1, _s2;
    private ulong _h0, _h1, _h2;
    private ulong _pad0, _pad1;

    /// <summary>Starts a MAC under the 32-byte one-time key (r is clamped here).</summary>
    public Poly1305(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"Expected {KeySize} bytes, got {key.Length}.", nameof(key));
        }

        var t0 = BinaryPrimitives.ReadUInt64LittleEndian(key);
        var t1 = BinaryPrimitives.ReadUInt64LittleEndian(key[8..]);
        _r0 = t0 & 0xffc0fffffff;
        _r1 = ((t0 >> 44) | (t1 << 20)) & 0xfffffc0ffff;
        _r2 = (t1 >> 24) & 0x00ffffffc0f;
        _s1 = _r1 * (5 << 2);
        _s2 = _r2 * (5 << 2);
        _pad0 = BinaryPrimitives.ReadUInt64LittleEndian(key[16..]);
        _pad1 = BinaryPrimitives.ReadUInt64LittleEndian(key[24..]);
    }

    /// <summary>The whole MAC of <paramref name="message"/> in one call (any length).</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        var mac = new Poly1305(key);
        var full = message.Length & ~15;
        mac.Blocks(message[..full], FullBlockBit);
        var rest = message.Length - full;
        if (rest != 0)
        {
            // A short last block gets a 0x01 byte after it instead of the 2^128 bit (RFC 8439 §2.5.1).
            Span<byte> last = stackalloc byte[16];
            last.Clear();
            message[full..].CopyTo(last);
            last[rest] = 1;
            mac.Blocks(last, 0);
        }

        mac.Finish(tag);
    }

    /// <summary>Adds <paramref name="data"/> padded with zeros to a multiple of 16 bytes (the AEAD's pad16).</summary>
    public void UpdatePadded(ReadOnlySpan<byte> data)
    {
        var full = data.Length & ~15;
        Blocks(data[..full], FullBlockBit);
        if (full != data.Length)
        {
            Span<byte> last = stackalloc byte[16];
            last.Clear();
            data[full..].CopyTo(last);
            Blocks(last, FullBlockBit);
        }
    }

    /// <summary>Adds the AEAD's closing block: the two lengths as little-endian 64-bit integers.</summary>
    public void UpdateLengths(int associatedDataLength, int ciphertextLength)
    {
        Span<byte> block = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(block, (ulong)associatedDataLength);
        BinaryPrimitives.WriteUInt64LittleEndian(block[8..], (ulong)ciphertextLength);
        Blocks(block, FullBlockBit);
    }

    /// <summary>Writes the 16-byte tag and wipes the state.</summary>
    public void Finish(Span<byte> tag)
    {
        ulong h0 = _h0, h1 = _h1, h2 = _h2;

        // Fully carry h.
        var c = h1 >> 44; h1 &= Mask44;
        h2 += c; c = h2 >> 42; h2 &= Mask42;
        h0 += c * 5; c = h0 >> 44; h0 &= Mask44;
        h1 += c; c = h1 >> 44; h1 &= Mask44;
        h2 += c; c = h2 >> 42; h2 &= Mask42;
        h0 += c * 5; c = h0 >> 44; h0 &= Mask44;
        h1 += c;

        // g = h + 5 - 2^130; keep g when it did not go negative, i.e. h >= p.
        var g0 = h0 + 5; c = g0 >> 44; g0 &= Mask44;
        var g1 = h1 + c; c = g1 >> 44; g1 &= Mask44;
        var g2 = h2 + c - (1UL << 42);
        c = (g2 >> 63) - 1; // all ones when g2 is non-negative
        g0 &= c; g1 &= c; g2 &= c;
        c = ~c;
        h0 = (h0 & c) | g0;
        h1 = (h1 & c) | g1;
        h2 = (h2 & c) | g2;

        // h + s mod 2^128.
        h0 += _pad0 & Mask44; c = h0 >> 44; h0 &= Mask44;
        h1 += (((_pad0 >> 44) | (_pad1 << 20)) & Mask44) + c; c = h1 >> 44; h1 &= Mask44;
        h2 += ((_pad1 >> 24) & Mask42) + c; h2 &= Mask42;

        BinaryPrimitives.WriteUInt64LittleEndian(tag, h0 | (h1 << 44));
        BinaryPrimitives.WriteUInt64LittleEndian(tag[8..], (h1 >> 20) | (h2 << 24));
        Clear();
    }

    /// <summary>Wipes the key and accumulator.</summary>
    public void Clear() => CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(new Span<Poly1305>(ref this)));

    // data.Length is a multiple of 16; hibit is 2^128 (as limb-2 bit 40) for full blocks, 0 for a padded final one.
    private void Blocks(ReadOnlySpan<byte> data, ulong hibit)
    {
        ulong r0 = _r0, r1 = _r1, r2 = _r2, s1 = _s1, s2 = _s2;
        ulong h0 = _h0, h1 = _h1, h2 = _h2;
        ref var m = ref MemoryMarshal.GetReference(data);
        for (var offset = 0; offset < data.Length; offset += 16)
        {
            var t0 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref m, offset));
            var t1 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref m, offset + 8));
            if (!BitConverter.IsLittleEndian)
            {
                t0 = BinaryPrimitives.ReverseEndianness(t0);
                t1 = BinaryPrimitives.ReverseEndianness(t1);
            }

            h0 += t0 & Mask44;
            h1 += ((t0 >> 44) | (t1 << 20)) & Mask44;
            h2 += ((t1 >> 24) & Mask42) | hibit;

            // d = h * r as three 128-bit sums (hi, lo); products stay below 2^98, so the sums cannot overflow.
            var d0Hi = Math.BigMul(h0, r0, out var d0Lo);
            MultiplyAdd(ref d0Hi, ref d0Lo, h1, s2);
            MultiplyAdd(ref d0Hi, ref d0Lo, h2, s1);
            var d1Hi = Math.BigMul(h0, r1, out var d1Lo);
            MultiplyAdd(ref d1Hi, ref d1Lo, h1, r0);
            MultiplyAdd(ref d1Hi, ref d1Lo, h2, s2);
            var d2Hi = Math.BigMul(h0, r2, out var d2Lo);
            MultiplyAdd(ref d2Hi, ref d2Lo, h1, r1);
            MultiplyAdd(ref d2Hi, ref d2Lo, h2, r0);

            var c = (d0Lo >> 44) | (d0Hi << 20); h0 = d0Lo & Mask44;
            Add(ref d1Hi, ref d1Lo, c); c = (d1Lo >> 44) | (d1Hi << 20); h1 = d1Lo & Mask44;
            Add(ref d2Hi, ref d2Lo, c); c = (d2Lo >> 42) | (d2Hi << 22); h2 = d2Lo & Mask42;
            h0 += c * 5; c = h0 >> 44; h0 &= Mask44;
            h1 += c;
        }

        _h0 = h0; _h1 = h1; _h2 = h2;
    }

    // (hi, lo) += a * b.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd(ref ulong hi, ref ulong lo, ulong a, ulong b)
    {
        var productHi = Math.BigMul(a, b, out var productLo);
        var sum = lo + productLo;
        hi += productHi + Carry(lo, productLo, sum);
        lo = sum;
    }

    // The carry out of a + b = sum, from the top bits alone (no comparison the JIT could turn into a branch).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Carry(ulong a, ulong b, ulong sum) => ((a & b) | ((a | b) & ~sum)) >> 63;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref ulong hi, ref ulong lo, ulong value)
    {
        var sum = lo + value;
        hi += Carry(lo, value, sum);
        lo = sum;
    }
}
