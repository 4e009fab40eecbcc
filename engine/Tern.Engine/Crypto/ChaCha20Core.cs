using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace Tern.Engine.Crypto;

/// <summary>
/// ChaCha20 (RFC 8439 §2.3–2.4) eight blocks at a time with AVX2, and HChaCha20 (draft-irtf-cfrg-xchacha §2.2).
/// The eight blocks are laid out vertically: vector i holds state word i, lane j belongs to block j, so a
/// round is plain lane-wise arithmetic and one pass covers a whole notification datagram.
/// </summary>
internal static class ChaCha20Core
{
    /// <summary>Blocks per pass.</summary>
    public const int BlocksPerPass = 8;
    /// <summary>Keystream bytes per pass.</summary>
    public const int PassSize = BlocksPerPass * 64;

    private const uint Sigma0 = 0x61707865, Sigma1 = 0x3320646e, Sigma2 = 0x79622d32, Sigma3 = 0x6b206574;

    /// <summary>Whether the vector path runs here; callers fall back to libsodium (NSec's build) otherwise.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>HChaCha20: derives the 32-byte subkey (as eight words) from a key and the first 16 nonce bytes.</summary>
    public static void HChaCha20(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce16, Span<uint> subkey)
    {
        uint x0 = Sigma0, x1 = Sigma1, x2 = Sigma2, x3 = Sigma3;
        uint x4 = Word(key, 0), x5 = Word(key, 1), x6 = Word(key, 2), x7 = Word(key, 3);
        uint x8 = Word(key, 4), x9 = Word(key, 5), x10 = Word(key, 6), x11 = Word(key, 7);
        uint x12 = Word(nonce16, 0), x13 = Word(nonce16, 1), x14 = Word(nonce16, 2), x15 = Word(nonce16, 3);
        for (var i = 0; i < 10; i++)
        {
            Quarter(ref x0, ref x4, ref x8, ref x12);
            Quarter(ref x1, ref x5, ref x9, ref x13);
            Quarter(ref x2, ref x6, ref x10, ref x14);
            Quarter(ref x3, ref x7, ref x11, ref x15);
            Quarter(ref x0, ref x5, ref x10, ref x15);
            Quarter(ref x1, ref x6, ref x11, ref x12);
            Quarter(ref x2, ref x7, ref x8, ref x13);
            Quarter(ref x3, ref x4, ref x9, ref x14);
        }

        subkey[0] = x0; subkey[1] = x1; subkey[2] = x2; subkey[3] = x3;
        subkey[4] = x12; subkey[5] = x13; subkey[6] = x14; subkey[7] = x15;
    }

    /// <summary>
    /// XORs <paramref name="input"/> with the keystream starting at block <paramref name="counter"/> into
    /// <paramref name="output"/> (same length; may be the same memory). <paramref name="scratch"/> holds one pass.
    /// </summary>
    public static void Xor(ReadOnlySpan<uint> key, uint counter, ReadOnlySpan<uint> nonce, ReadOnlySpan<byte> input,
        Span<byte> output, Span<byte> scratch)
    {
        while (!input.IsEmpty)
        {
            Keystream(key, counter, nonce, scratch);
            var n = Math.Min(PassSize, input.Length);
            XorBytes(input[..n], scratch, output);
            input = input[n..];
            output = output[n..];
            counter += BlocksPerPass;
        }
    }

    /// <summary>Writes the keystream of blocks <paramref name="counter"/> .. counter + 7 (512 bytes) to <paramref name="destination"/>.</summary>
    public static void Keystream(ReadOnlySpan<uint> key, uint counter, ReadOnlySpan<uint> nonce, Span<byte> destination)
    {
        if (key.Length != 8 || nonce.Length != 3 || destination.Length < PassSize || !Avx2.IsSupported)
        {
            throw new ArgumentException("ChaCha20 keystream needs AVX2, an 8-word key, a 3-word nonce and 512 bytes of output.");
        }

        var x0 = Vector256.Create(Sigma0);
        var x1 = Vector256.Create(Sigma1);
        var x2 = Vector256.Create(Sigma2);
        var x3 = Vector256.Create(Sigma3);
        var x4 = Vector256.Create(key[0]);
        var x5 = Vector256.Create(key[1]);
        var x6 = Vector256.Create(key[2]);
        var x7 = Vector256.Create(key[3]);
        var x8 = Vector256.Create(key[4]);
        var x9 = Vector256.Create(key[5]);
        var x10 = Vector256.Create(key[6]);
        var x11 = Vector256.Create(key[7]);
        var c12 = Vector256.Create(counter) + Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
        var x12 = c12;
        var x13 = Vector256.Create(nonce[0]);
        var x14 = Vector256.Create(nonce[1]);
        var x15 = Vector256.Create(nonce[2]);

        for (var i = 0; i < 10; i++)
        {
            Quarter(ref x0, ref x4, ref x8, ref x12);
            Quarter(ref x1, ref x5, ref x9, ref x13);
            Quarter(ref x2, ref x6, ref x10, ref x14);
            Quarter(ref x3, ref x7, ref x11, ref x15);
            Quarter(ref x0, ref x5, ref x10, ref x15);
            Quarter(ref x1, ref x6, ref x11, ref x12);
            Quarter(ref x2, ref x7, ref x8, ref x13);
            Quarter(ref x3, ref x4, ref x9, ref x14);
        }

        x0 += Vector256.Create(Sigma0);
        x1 += Vector256.Create(Sigma1);
        x2 += Vector256.Create(Sigma2);
        x3 += Vector256.Create(Sigma3);
        x4 += Vector256.Create(key[0]);
        x5 += Vector256.Create(key[1]);
        x6 += Vector256.Create(key[2]);
        x7 += Vector256.Create(key[3]);
        x8 += Vector256.Create(key[4]);
        x9 += Vector256.Create(key[5]);
        x10 += Vector256.Create(key[6]);
        x11 += Vector256.Create(key[7]);
        x12 += c12;
        x13 += Vector256.Create(nonce[0]);
        x14 += Vector256.Create(nonce[1]);
        x15 += Vector256.Create(nonce[2]);

        ref var d = ref MemoryMarshal.GetReference(destination);
        Transpose(x0, x1, x2, x3, x4, x5, x6, x7, ref d);
        Transpose(x8, x9, x10, x11, x12, x13, x14, x15, ref Unsafe.Add(ref d, 32));
    }

    /// <summary>destination = input XOR keystream, over input's length (keystream at least as long).</summary>
    public static void XorBytes(ReadOnlySpan<byte> input, ReadOnlySpan<byte> keystream, Span<byte> destination)
    {
        if (keystream.Length < input.Length || destination.Length < input.Length)
        {
            throw new ArgumentException("Keystream and destination must cover the input.");
        }

        ref var src = ref MemoryMarshal.GetReference(input);
        ref var ks = ref MemoryMarshal.GetReference(keystream);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)input.Length;
        nuint i = 0;
        for (; i + 32 <= n; i += 32)
        {
            (Vector256.LoadUnsafe(ref src, i) ^ Vector256.LoadUnsafe(ref ks, i)).StoreUnsafe(ref dst, i);
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = (byte)(Unsafe.Add(ref src, i) ^ Unsafe.Add(ref ks, i));
        }
    }

    /// <summary>Zeroes a subkey held as words.</summary>
    public static void Clear(Span<uint> words) => CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(words));

    // Words a0..a7 hold state words w..w+7 of blocks 0..7 (lane = block); writes them as 32 bytes at offset
    // 64 * block, i.e. an 8×8 transpose of 32-bit elements.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Vector256<uint> a0, Vector256<uint> a1, Vector256<uint> a2, Vector256<uint> a3,
        Vector256<uint> a4, Vector256<uint> a5, Vector256<uint> a6, Vector256<uint> a7, ref byte destination)
    {
        var t0 = Avx2.UnpackLow(a0, a1);
        var t1 = Avx2.UnpackHigh(a0, a1);
        var t2 = Avx2.UnpackLow(a2, a3);
        var t3 = Avx2.UnpackHigh(a2, a3);
        var t4 = Avx2.UnpackLow(a4, a5);
        var t5 = Avx2.UnpackHigh(a4, a5);
        var t6 = Avx2.UnpackLow(a6, a7);
        var t7 = Avx2.UnpackHigh(a6, a7);

        var u0 = Avx2.UnpackLow(t0.AsUInt64(), t2.AsUInt64()).AsUInt32();
        var u1 = Avx2.UnpackHigh(t0.AsUInt64(), t2.AsUInt64()).AsUInt32();
        var u2 = Avx2.UnpackLow(t1.AsUInt64(), t3.AsUInt64()).AsUInt32();
        var u3 = Avx2.UnpackHigh(t1.AsUInt64(), t3.AsUInt64()).AsUInt32();
        var u4 = Avx2.UnpackLow(t4.AsUInt64(), t6.AsUInt64()).AsUInt32();
        var u5 = Avx2.UnpackHigh(t4.AsUInt64(), t6.AsUInt64()).AsUInt32();
        var u6 = Avx2.UnpackLow(t5.AsUInt64(), t7.AsUInt64()).AsUInt32();
        var u7 = Avx2.UnpackHigh(t5.AsUInt64(), t7.AsUInt64()).AsUInt32();

        Avx2.Permute2x128(u0, u4, 0x20).AsByte().StoreUnsafe(ref destination, 0 * 64);
        Avx2.Permute2x128(u1, u5, 0x20).AsByte().StoreUnsafe(ref destination, 1 * 64);
        Avx2.Permute2x128(u2, u6, 0x20).AsByte().StoreUnsafe(ref destination, 2 * 64);
        Avx2.Permute2x128(u3, u7, 0x20).AsByte().StoreUnsafe(ref destination, 3 * 64);
        Avx2.Permute2x128(u0, u4, 0x31).AsByte().StoreUnsafe(ref destination, 4 * 64);
        Avx2.Permute2x128(u1, u5, 0x31).AsByte().StoreUnsafe(ref destination, 5 * 64);
        Avx2.Permute2x128(u2, u6, 0x31).AsByte().StoreUnsafe(ref destination, 6 * 64);
        Avx2.Permute2x128(u3, u7, 0x31).AsByte().StoreUnsafe(ref destination, 7 * 64);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quarter(ref Vector256<uint> a, ref Vector256<uint> b, ref Vector256<uint> c, ref Vector256<uint> d)
    {
        a += b; d = Rotate16(d ^ a);
        c += d; b = Rotate12(b ^ c);
        a += b; d = Rotate8(d ^ a);
        c += d; b = Rotate7(b ^ c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quarter(ref uint a, ref uint b, ref uint c, ref uint d)
    {
        a += b; d = uint.RotateLeft(d ^ a, 16);
        c += d; b = uint.RotateLeft(b ^ c, 12);
        a += b; d = uint.RotateLeft(d ^ a, 8);
        c += d; b = uint.RotateLeft(b ^ c, 7);
    }

    // vprold where AVX-512VL exists; shift-or (16 and 8 as byte shuffles) on plain AVX2.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate16(Vector256<uint> v) => Avx512F.VL.IsSupported
        ? Avx512F.VL.RotateLeft(v, 16)
        : Avx2.Shuffle(v.AsByte(), Vector256.Create((byte)2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13,
            2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate12(Vector256<uint> v) => Avx512F.VL.IsSupported
        ? Avx512F.VL.RotateLeft(v, 12)
        : Vector256.ShiftLeft(v, 12) | Vector256.ShiftRightLogical(v, 20);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate8(Vector256<uint> v) => Avx512F.VL.IsSupported
        ? Avx512F.VL.RotateLeft(v, 8)
        : Avx2.Shuffle(v.AsByte(), Vector256.Create((byte)3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14,
            3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14)).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate7(Vector256<uint> v) => Avx512F.VL.IsSupported
        ? Avx512F.VL.RotateLeft(v, 7)
        : Vector256.ShiftLeft(v, 7) | Vector256.ShiftRightLogical(v, 25);

    private static uint Word(ReadOnlySpan<byte> bytes, int index) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[(index * 4)..]);
}
