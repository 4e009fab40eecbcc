using System.Buffers.Binary;
using Tern.Engine.Crypto;

namespace Tern.Engine.Bulk;

/// <summary>
/// A bulk session's 16-byte id (docs/PROTOCOL.md §11.2), drawn from the CSPRNG by the sending gateway: off-path senders
/// cannot guess it, so stray or forged datagrams name no live session. Two words, so a dictionary key costs nothing.
/// </summary>
public readonly record struct BulkSessionId(ulong High, ulong Low)
{
    /// <summary>Bytes on the wire.</summary>
    public const int Size = 16;

    /// <summary>A fresh random id.</summary>
    public static BulkSessionId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[Size];
        SecureRandom.Fill(bytes);
        return Read(bytes);
    }

    /// <summary>Reads an id from the first 16 bytes of <paramref name="source"/>.</summary>
    public static BulkSessionId Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source[8..]));

    /// <summary>Writes the id into the first 16 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{High:x16}{Low:x16}";
}
