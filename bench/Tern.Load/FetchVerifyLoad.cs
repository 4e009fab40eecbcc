using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.Transports.Fetch;
using Tern.Transports.Fetch.Client;

namespace Tern.Load;

/// <summary>
/// The cost of checking fetched ranges against the payload hash (docs/PROTOCOL.md §4.8): one blob served by the framed
/// door in this process and fetched as a range (from inside its fourth chunk to the end) alternately without and with
/// verification — the proof frames ahead of the data, each whole chunk checked as it lands — into a sink that keeps
/// nothing; and checking alone, the verifier over the same bytes in memory on one core.
/// </summary>
internal static class FetchVerifyLoad
{
    public static async Task RunAsync(string directory, int megabytes, int pairs)
    {
        var size = (long)megabytes << 20;
        var options = new TransitStoreOptions { DataDirectory = directory, CheckpointInterval = TimeSpan.FromMinutes(10) };
        await using var store = await TransitStore.OpenAsync(options);
        var random = new Random(7);
        var block = new byte[1 << 20];
        random.NextBytes(block);
        var result = await store.SubmitAsync(
            new SubmissionRequest { Account = "bench", Recipients = [new TransitRecipient("example.org", RecipientHash.NewRandom())], TransitExpiry = DateTimeOffset.UtcNow.AddDays(1) },
            new RepeatingStream(block, size));
        var capability = result.Capabilities[0];

        var serverOptions = new FetchServerOptions();
        serverOptions.Listeners.Add(new FetchListener(FetchDoor.Framed, new IPEndPoint(IPAddress.Loopback, 0), tls: false));
        await using var server = new FetchServer(store, serverOptions);
        await server.StartAsync();
        await using var client = await FramedFetchClient.ConnectAsync(server.GetEndPoint(FetchDoor.Framed), new FramedFetchClientOptions { Tls = false });

        var offset = (3L * PayloadTree.ChunkSize) + 4321;
        var range = size - offset;
        for (var pair = 0; pair <= pairs; pair++)
        {
            // Pair 0 warms both paths up (JIT, page cache, the store's tree) and is not reported.
            var plain = await MeasureAsync(() => client.FetchAsync(capability, new DiscardSink(null, offset), offset, -1));
            var verifier = new PayloadVerifier(size, result.PayloadHash);
            var sink = new DiscardSink(verifier, offset);
            var checkedRun = await MeasureAsync(() => client.FetchAsync(capability, sink, offset, -1, verifier));
            if (sink.Received != range || verifier.ChunksChecked != PayloadTree.ChunkCount(size) - 4)
            {
                throw new InvalidOperationException($"received {sink.Received} of {range}, checked {verifier.ChunksChecked} chunks");
            }

            if (pair > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT mode=range pair={pair} bytes={range} plain_seconds={plain.Wall:F3} plain_cpu={plain.Cpu:F3} verified_seconds={checkedRun.Wall:F3} verified_cpu={checkedRun.Cpu:F3}"));
            }
        }

        // Checking alone: every chunk of the blob's bytes through the verifier, in memory, on this thread.
        var alone = new PayloadVerifier(size, result.PayloadHash);
        var proof = new System.Buffers.ArrayBufferWriter<byte>();
        var tree = await store.GetPayloadTreeAsync(capability) ?? throw new InvalidOperationException("no tree");
        PayloadProof.Write(tree, 0, tree.Count, proof);
        alone.TryAcceptProof(0, tree.Count, proof.WrittenSpan);
        var thread = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (long k = 0; k < tree.Count; k++)
        {
            var start = (int)((k << PayloadTree.ChunkShift) % block.Length);
            if (!alone.Check(k, block.AsSpan(start, PayloadTree.ChunkLength(size, k))))
            {
                throw new InvalidOperationException($"chunk {k} did not check");
            }
        }

        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT mode=check bytes={size} seconds={thread.Elapsed.TotalSeconds:F3} cpu={cpu:F3} cpu_per_gib={cpu / (size / (double)(1 << 30)):F3} proof_bytes={proof.WrittenCount}"));
    }

    private static async Task<(double Wall, double Cpu)> MeasureAsync(Func<Task<FetchResponse>> fetch)
    {
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var response = await fetch().ConfigureAwait(false);
        var wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        if (response.Status != Tern.Engine.Protocol.Fetch.MetaStatus.Ok)
        {
            throw new InvalidOperationException($"fetch answered {response.Status}");
        }

        return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }

    /// <summary>Keeps nothing; with a verifier, gathers each whole chunk and checks it as the pull side's partial file does.</summary>
    private sealed class DiscardSink(PayloadVerifier? verifier, long start) : Stream
    {
        private readonly byte[] _chunk = new byte[PayloadTree.ChunkSize];
        private long _at = start;
        private int _buffered;
        private bool _skipping = start % PayloadTree.ChunkSize != 0;

        public long Received { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Received;

        public override long Position { get => Received; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Received += buffer.Length;
            if (verifier is null)
            {
                return;
            }

            while (!buffer.IsEmpty)
            {
                var index = _at >> PayloadTree.ChunkShift;
                var length = PayloadTree.ChunkLength(verifier.Size, index);
                var within = (int)(_at - (index << PayloadTree.ChunkShift));
                var take = Math.Min(length - within, buffer.Length);
                if (!_skipping)
                {
                    buffer[..take].CopyTo(_chunk.AsSpan(_buffered));
                    _buffered += take;
                }

                buffer = buffer[take..];
                _at += take;
                if (within + take == length)
                {
                    if (!_skipping && !verifier.Check(index, _chunk.AsSpan(0, length)))
                    {
                        throw new PayloadMismatchException(index, "chunk does not match");
                    }

                    _skipping = false;
                    _buffered = 0;
                }
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A non-seekable stream repeating one block up to a length.</summary>
    private sealed class RepeatingStream(byte[] block, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var total = 0;
            while (total < buffer.Length && _position < length)
            {
                var within = (int)(_position % block.Length);
                var n = (int)Math.Min(Math.Min(buffer.Length - total, block.Length - within), length - _position);
                block.AsSpan(within, n).CopyTo(buffer[total..]);
                total += n;
                _position += n;
            }

            return total;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
