using System.Diagnostics.CodeAnalysis;

namespace Tern.Engine.Protocol;

/// <summary>The opaque address a notification is filed under at the recipient's domain (docs/PROTOCOL.md §5).</summary>
public readonly struct RecipientHash : IEquatable<RecipientHash>
{
    /// <summary>Wraps 32 bytes.</summary>
    public RecipientHash(Bytes32 value) => Value = value;

    /// <summary>Reads 32 bytes from the start of <paramref name="source"/>.</summary>
    public RecipientHash(ReadOnlySpan<byte> source) => Value = new Bytes32(source);

    /// <summary>The raw bytes.</summary>
    public Bytes32 Value { get; }

    /// <summary>A new value from the CSPRNG.</summary>
    public static RecipientHash NewRandom() => new(Bytes32.Random());

    /// <summary>Parses the 43-character base64url text form.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out RecipientHash value)
    {
        var ok = Bytes32.TryParse(text, out var bytes);
        value = new RecipientHash(bytes);
        return ok;
    }

    /// <summary>Writes the 32 bytes.</summary>
    public void CopyTo(Span<byte> destination) => Value.CopyTo(destination);

    /// <inheritdoc />
    public override string ToString() => Value.ToString();

    /// <inheritdoc />
    public bool Equals(RecipientHash other) => Value.Equals(other.Value);

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is RecipientHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Constant-time equality.</summary>
    public static bool operator ==(RecipientHash left, RecipientHash right) => left.Equals(right);

    /// <summary>Constant-time inequality.</summary>
    public static bool operator !=(RecipientHash left, RecipientHash right) => !left.Equals(right);
}
