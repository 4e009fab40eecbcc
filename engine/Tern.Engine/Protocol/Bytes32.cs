using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Protocol;

/// <summary>
/// 32 opaque bytes held by value (four words, no heap): capabilities, IDs, hashes and keys.
/// Equality runs in constant time because many of these values are secrets.
/// </summary>
public readonly struct Bytes32 : IEquatable<Bytes32>
{
    /// <summary>Length in bytes.</summary>
    public const int Size = 32;

    /// <summary>Length of the base64url text form.</summary>
    public const int TextLength = 43;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    /// <summary>Reads 32 bytes; throws when <paramref name="source"/> is shorter.</summary>
    public Bytes32(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new ArgumentException($"Need {Size} bytes, got {source.Length}.", nameof(source));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(source);
        _b = BinaryPrimitives.ReadUInt64BigEndian(source[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(source[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(source[24..]);
    }

    /// <summary>32 bytes from the CSPRNG.</summary>
    public static Bytes32 Random()
    {
        Span<byte> bytes = stackalloc byte[Size];
        SecureRandom.Fill(bytes);
        return new Bytes32(bytes);
    }

    /// <summary>True when all bytes are zero.</summary>
    public bool IsZero => (_a | _b | _c | _d) == 0;

    /// <summary>Writes the 32 bytes to the start of <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>The bytes as a new array (for tests and tools; not for hot paths).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>
    /// Parses the 43-character canonical base64url form (docs/PROTOCOL.md §2.3); false on anything else, never throws.
    /// Canonical: the BCL's decoder throws on characters outside the alphabet and on non-zero trailing bits, and skips
    /// whitespace, so the text is checked before it decodes.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Bytes32 value) => CanonicalBase64Url.TryDecode(text, out value);

    /// <summary>Parses the base64url form, throwing a <see cref="FormatException"/> that says what was expected.</summary>
    public static Bytes32 Parse(string text)
        => TryParse(text, out var value) ? value : throw new FormatException($"Expected {TextLength} characters of base64url (32 bytes), got '{text}'.");

    /// <summary>Writes the base64url form (43 characters) without allocating.</summary>
    public bool TryFormat(Span<char> destination, out int written)
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Base64Url.TryEncodeToChars(bytes, destination, out written);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Constant-time equality.</summary>
    public bool Equals(Bytes32 other) => ((_a ^ other._a) | (_b ^ other._b) | (_c ^ other._c) | (_d ^ other._d)) == 0;

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Bytes32 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>Constant-time equality.</summary>
    public static bool operator ==(Bytes32 left, Bytes32 right) => left.Equals(right);

    /// <summary>Constant-time inequality.</summary>
    public static bool operator !=(Bytes32 left, Bytes32 right) => !left.Equals(right);
}
