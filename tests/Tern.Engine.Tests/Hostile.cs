using FsCheck;
using FsCheck.Fluent;

namespace Tern.Engine.Tests;

/// <summary>Generators of hostile input for parser property tests: random bytes and mutations of valid input.</summary>
internal static class Hostile
{
    private static readonly Gen<byte> AnyByte = Gen.Choose(0, 255).Select(b => (byte)b);

    /// <summary>Random byte arrays of 0 to <paramref name="maxLength"/> bytes.</summary>
    public static Gen<byte[]> Bytes(int maxLength) => Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(AnyByte, n));

    /// <summary>
    /// Mutations of <paramref name="valid"/>: flipped bits, overwritten bytes, truncations, extensions and
    /// overwritten 16-bit lengths — each a new exact-length array, so a read past the end throws.
    /// </summary>
    public static Gen<byte[]> Mutations(byte[] valid) => Gen.OneOf(
        Gen.Choose(0, valid.Length - 1).SelectMany(i => Gen.Choose(0, 7).Select(bit => With(valid, c => c[i] ^= (byte)(1 << bit)))),
        Gen.Choose(0, valid.Length - 1).SelectMany(i => AnyByte.Select(b => With(valid, c => c[i] = b))),
        Gen.Choose(0, valid.Length - 1).SelectMany(i => Gen.Choose(0, 65535).Select(v => With(valid, c =>
        {
            c[i] = (byte)(v >> 8);
            if (i + 1 < c.Length)
            {
                c[i + 1] = (byte)v;
            }
        }))),
        Gen.Choose(0, valid.Length - 1).Select(n => valid[..n]),
        Gen.Choose(1, 64).SelectMany(n => Gen.ArrayOf(AnyByte, n)).Select(extra => (byte[])[.. valid, .. extra]));

    /// <summary>Runs <paramref name="property"/> on <paramref name="count"/> generated inputs; any exception fails with the input.</summary>
    public static void Check<T>(Gen<T> generator, Action<T> property, int count = 10_000)
        => FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(count).WithQuietOnSuccess(true), Prop.ForAll(Arb.From(generator), property));

    private static byte[] With(byte[] source, Action<byte[]> change)
    {
        var copy = (byte[])source.Clone();
        change(copy);
        return copy;
    }
}
