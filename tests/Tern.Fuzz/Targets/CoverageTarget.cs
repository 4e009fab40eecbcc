using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Transports.Fetch.Coverage;

namespace Tern.Fuzz.Targets;

/// <summary>
/// The fetch coverage snapshot (<see cref="CoverageSnapshot"/>) and its restore: entries parsed, then their ranges merged
/// into a range set for a 49-byte and a 1 GiB blob under the restore's filter. The checksum at the end is recomputed over
/// the input first, so mutations reach the parser (a random file fails the checksum, which is tested elsewhere). Tern's own
/// file: a damaged one is an <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class CoverageTarget : IFuzzTarget
{
    private const int ChecksumSize = 32;
    private static readonly long[] Sizes = [49, 1L << 30];
    private byte[] _data = new byte[4096];

    public string Name => "coverage";

    public string Covers => "fetch coverage snapshots (re-checksummed by the target): CoverageSnapshot.Parse and the restore's replay into ByteRangeSet";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (_data.Length < input.Length)
        {
            _data = new byte[Math.Max(input.Length, _data.Length * 2)];
        }

        var data = _data.AsSpan(0, input.Length);
        input.CopyTo(data);
        if (data.Length >= ChecksumSize)
        {
            Blake2b.Hash(data[..^ChecksumSize], data[^ChecksumSize..]);
        }

        List<(FetchCapability Capability, (long Start, long End)[] Ranges)> entries;
        try
        {
            entries = CoverageSnapshot.Parse(data, "coverage.bin");
        }
        catch (InvalidDataException)
        {
            return;
        }

        foreach (var size in Sizes)
        {
            foreach (var (_, ranges) in entries)
            {
                var set = new ByteRangeSet();
                foreach (var (start, end) in ranges)
                {
                    if (start >= 0 && end <= size && end > start)
                    {
                        set.Add(start, end, size);
                    }
                }

                CheckSorted(set, size);
            }
        }
    }

    /// <summary>The set's promise: sorted, disjoint, non-adjacent, non-empty ranges inside the blob, at most its bound.</summary>
    private static void CheckSorted(ByteRangeSet set, long size)
    {
        var previousEnd = -1L;
        foreach (var (start, end) in set.Ranges)
        {
            if (start <= previousEnd || end <= start || start < 0 || end > size)
            {
                throw new FuzzContractException($"range [{start}, {end}) after {previousEnd} in a blob of {size}");
            }

            previousEnd = end;
        }

        if (set.Count > ByteRangeSet.MaxRanges)
        {
            throw new FuzzContractException($"{set.Count} ranges held");
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var frames = vectors.File("fetch-frames.json").GetProperty("frames");
        var capability = new FetchCapability(VectorSeeds.Hex(frames[0].GetProperty("fields"), "capability"));
        var other = new FetchCapability(VectorSeeds.Hex(vectors.File("notification-datagram.json").GetProperty("records")[1], "capability"));
        yield return new Seed("two-entries", CoverageSnapshot.Encode([(capability, [(0, 10), (20, 30)]), (other, [(5, 49)])]));
        yield return new Seed("empty", CoverageSnapshot.Encode([]));
    }
}
