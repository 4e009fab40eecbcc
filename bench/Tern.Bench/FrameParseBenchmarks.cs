using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Bench;

/// <summary>
/// Parsing a buffer of framed-door traffic as a connection handler sees it: 64 fetch requests, or 64 data
/// frames of 1 KiB, in one contiguous segment. The baseline walks the same buffer reading only the 10-byte
/// headers with <see cref="BinaryPrimitives"/>, so the ratio is the cost of the reader's validation.
/// </summary>
[MemoryDiagnoser]
public class FrameParseBenchmarks
{
    private const int Frames = 64;
    private ReadOnlySequence<byte> _input;

    /// <summary>Which frames fill the buffer.</summary>
    [Params("fetch", "data-1KiB")]
    public string Kind { get; set; } = "fetch";

    [GlobalSetup]
    public void Setup()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[1024];
        for (uint stream = 1; stream <= Frames; stream++)
        {
            if (Kind == "fetch")
            {
                var request = new FetchRequest(FetchCapability.NewRandom());
                FrameWriter.WriteFetch(buffer, stream, in request, head: false);
            }
            else
            {
                FrameWriter.WriteData(buffer, stream, chunk, endStream: true);
            }
        }

        _input = new ReadOnlySequence<byte>(buffer.WrittenMemory);
    }

    [Benchmark(Baseline = true, Description = "raw header walk")]
    public long RawHeaders()
    {
        var span = _input.FirstSpan;
        long sum = 0;
        var offset = 0;
        while (offset + 10 <= span.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(span[offset..]);
            sum += BinaryPrimitives.ReadUInt32BigEndian(span[(offset + 4)..]);
            offset += 10 + (int)length;
        }

        return sum;
    }

    [Benchmark(Description = "FrameReader.TryParse, 64 frames")]
    public long Parse()
    {
        var input = _input;
        var reader = FrameReader.Default;
        long sum = 0;
        while (true)
        {
            var consumed = input.Start;
            var examined = input.Start;
            if (!reader.TryParse(input, ref consumed, ref examined, out var frame, out _))
            {
                return sum;
            }

            sum += frame.StreamId;
            input = input.Slice(consumed);
        }
    }
}
