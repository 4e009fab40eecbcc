using System.Buffers.Binary;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Transports.Fetch.Coverage;

namespace Tern.Fetch.Tests;

/// <summary>The coverage file's parser (DESIGN.md §5: random and mutated input, a clear error and nothing else).</summary>
public sealed class CoverageSnapshotTests : IDisposable
{
    private readonly TempDirectory _directory = new("snapshot");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void What_is_written_reads_back_the_same()
    {
        var random = new Random(21);
        var path = _directory.File("coverage.bin");
        for (var round = 0; round < 50; round++)
        {
            var written = RandomEntries(random);
            CoverageSnapshot.Write(path, written);
            var read = CoverageSnapshot.Read(path);
            Assert.Equal(written.Count, read.Count);
            for (var i = 0; i < written.Count; i++)
            {
                Assert.Equal(written[i].Capability, read[i].Capability);
                Assert.Equal(written[i].Ranges, read[i].Ranges);
            }
        }

        Assert.Empty(CoverageSnapshot.Read(_directory.File("absent.bin")));
    }

    [Fact]
    public void Random_and_mutated_files_give_entries_or_a_clear_error_and_nothing_else()
    {
        var random = new Random(22);
        var path = _directory.File("coverage.bin");
        CoverageSnapshot.Write(path, RandomEntries(random));
        var valid = File.ReadAllBytes(path);
        var errors = 0;
        for (var round = 0; round < 3000; round++)
        {
            byte[] bytes;
            switch (round % 4)
            {
                case 0: // random bytes
                    bytes = new byte[random.Next(0, 400)];
                    random.NextBytes(bytes);
                    break;
                case 1: // one byte of a valid file changed
                    bytes = (byte[])valid.Clone();
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                    break;
                case 2: // a valid file cut short or run long
                    bytes = valid.AsSpan(0, random.Next(valid.Length)).ToArray().Concat(round % 8 == 2 ? new byte[random.Next(1, 40)] : []).ToArray();
                    break;
                default: // a right header and checksum around random structure: the parser's own checks must hold
                    var body = new byte[9 + random.Next(0, 200)];
                    random.NextBytes(body);
                    "TCOV"u8.CopyTo(body);
                    body[4] = 1;
                    BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(5), (uint)random.Next(0, 5));
                    var sum = new byte[32];
                    Blake2b.Hash(body, sum);
                    bytes = [.. body, .. sum];
                    break;
            }

            File.WriteAllBytes(path, bytes);
            try
            {
                CoverageSnapshot.Read(path);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
                errors++;
            }
        }

        // Nearly every case is rejected, each with a message naming the file; none threw anything else.
        Assert.InRange(errors, 2500, 3000);
    }

    private static List<(FetchCapability Capability, (long Start, long End)[] Ranges)> RandomEntries(Random random)
    {
        var entries = new List<(FetchCapability, (long, long)[])>();
        for (var i = random.Next(0, 20); i > 0; i--)
        {
            var ranges = new (long, long)[random.Next(0, ByteRangeSet.MaxRanges + 1)];
            for (var r = 0; r < ranges.Length; r++)
            {
                var start = random.NextInt64(0, 1L << 40);
                ranges[r] = (start, start + random.NextInt64(1, 1L << 20));
            }

            entries.Add((FetchCapability.NewRandom(), ranges));
        }

        return entries;
    }
}
