using System.Buffers.Binary;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.Transports.Fetch.Coverage;

/// <summary>
/// The partial coverage of deliveries on disk, so that a restart does not forget the ranges a fetcher already has
/// (a fetcher resuming over a slow link asks only for the rest). Layout, little-endian: "TCOV", version u8,
/// entry count u32; per entry the 32-byte capability, range count u16 and (start i64, end i64) per range; then the
/// BLAKE2b-256 of everything before it. Written whole and atomically.
/// </summary>
internal static class CoverageSnapshot
{
    private const byte Version = 1;
    private const int HeaderSize = 4 + 1 + 4;
    private const int ChecksumSize = 32;
    private static ReadOnlySpan<byte> Magic => "TCOV"u8;

    public static void Write(string path, IReadOnlyList<(FetchCapability Capability, (long Start, long End)[] Ranges)> entries)
        => AtomicFile.Write(path, Encode(entries));

    /// <summary>The file's bytes for <paramref name="entries"/>, checksum included.</summary>
    internal static byte[] Encode(IReadOnlyList<(FetchCapability Capability, (long Start, long End)[] Ranges)> entries)
    {
        var size = HeaderSize + ChecksumSize;
        foreach (var (_, ranges) in entries)
        {
            size += Bytes32.Size + 2 + (ranges.Length * 16);
        }

        var buffer = new byte[size];
        Magic.CopyTo(buffer);
        buffer[4] = Version;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(5), (uint)entries.Count);
        var at = HeaderSize;
        foreach (var (capability, ranges) in entries)
        {
            capability.CopyTo(buffer.AsSpan(at));
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(at + Bytes32.Size), (ushort)ranges.Length);
            at += Bytes32.Size + 2;
            foreach (var (start, end) in ranges)
            {
                BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at), start);
                BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(at + 8), end);
                at += 16;
            }
        }

        Blake2b.Hash(buffer.AsSpan(0, at), buffer.AsSpan(at, ChecksumSize));
        return buffer;
    }

    /// <summary>The entries of <paramref name="path"/>; none when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is not a coverage snapshot, or it is damaged (the message says how).</exception>
    public static List<(FetchCapability Capability, (long Start, long End)[] Ranges)> Read(string path)
        => File.Exists(path) ? Parse(File.ReadAllBytes(path), path) : [];

    /// <summary>The entries of a snapshot's bytes; <paramref name="path"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a coverage snapshot, or they are damaged (the message says how).</exception>
    internal static List<(FetchCapability Capability, (long Start, long End)[] Ranges)> Parse(ReadOnlySpan<byte> data, string path)
    {
        var entries = new List<(FetchCapability, (long, long)[])>();
        if (data.Length < HeaderSize + ChecksumSize || !data[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not a fetch coverage snapshot.");
        }

        if (data[4] != Version)
        {
            throw new InvalidDataException($"'{path}' is a coverage snapshot of version {data[4]}; this build reads version {Version}.");
        }

        Span<byte> checksum = stackalloc byte[ChecksumSize];
        var body = data[..^ChecksumSize];
        Blake2b.Hash(body, checksum);
        if (!checksum.SequenceEqual(data[body.Length..]))
        {
            throw new InvalidDataException($"'{path}' is damaged: its checksum does not match.");
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(data[5..]);
        var at = HeaderSize;
        for (var i = 0u; i < count; i++)
        {
            if (body.Length - at < Bytes32.Size + 2)
            {
                throw new InvalidDataException($"'{path}' ends inside entry {i} of {count}.");
            }

            var capability = new FetchCapability(body.Slice(at, Bytes32.Size));
            var rangeCount = BinaryPrimitives.ReadUInt16LittleEndian(body[(at + Bytes32.Size)..]);
            at += Bytes32.Size + 2;
            if (body.Length - at < rangeCount * 16)
            {
                throw new InvalidDataException($"'{path}' ends inside the ranges of entry {i} of {count}.");
            }

            var ranges = new (long, long)[rangeCount];
            for (var r = 0; r < rangeCount; r++)
            {
                ranges[r] = (BinaryPrimitives.ReadInt64LittleEndian(body[at..]), BinaryPrimitives.ReadInt64LittleEndian(body[(at + 8)..]));
                at += 16;
            }

            entries.Add((capability, ranges));
        }

        if (at != body.Length)
        {
            throw new InvalidDataException($"'{path}' has {body.Length - at} bytes after its {count} entries.");
        }

        return entries;
    }
}
