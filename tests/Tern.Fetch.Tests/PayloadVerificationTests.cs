using System.Net;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Pull;
using Tern.Engine.Transit;
using Tern.Transports.Fetch;
using Tern.Transports.Fetch.Client;

namespace Tern.Fetch.Tests;

/// <summary>
/// Range verification on real doors (docs/PROTOCOL.md §4.8, §8.1, §8.3): the doors serve proofs that verify, a corrupted
/// chunk is refused at that chunk and the next source resumes after the last good one, a ranged fetch is checked as it
/// lands, and a resumed pull checks what it kept.
/// </summary>
public sealed class PayloadVerificationTests
{
    private const int C = PayloadTree.ChunkSize;

    [Theory]
    [InlineData(Http1Implementation.Tern)]
    [InlineData(Http1Implementation.Kestrel)]
    public async Task Http_doors_serve_proofs_that_verify_and_the_usual_404_and_416(Http1Implementation implementation)
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes((5 * C) + 1234, 1);
        var (cap, result) = await f.SubmitAsync(content);
        using var http = f.HttpClient();
        var door = f.Http1Of(implementation);

        foreach (var (first, last) in new[] { (0L, 5L), (2L, 3L), (5L, 5L), (0L, 0L) })
        {
            using var response = await http.GetAsync(new Uri(door, $"/v1/blobs/{cap}/proof/{first}-{last}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var proof = await response.Content.ReadAsByteArrayAsync();
            var leaves = new Bytes32[last - first + 1];
            Assert.True(PayloadProof.TryVerify(proof, content.Length, result.PayloadHash, first, last - first + 1, leaves));
            Assert.Equal(PayloadTree.Leaf(content.AsSpan((int)first * C, Math.Min(C, content.Length - ((int)first * C)))), leaves[0]);
            Assert.Contains("immutable", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await http.GetAsync(new Uri(door, $"/v1/blobs/{cap}/proof/0-6"))).StatusCode);
        foreach (var path in new[] { $"/v1/blobs/{cap}/proof/3-2", $"/v1/blobs/{cap}/proof/01-2", $"/v1/blobs/{cap}/proof/x", $"/v1/blobs/{FetchCapability.NewRandom()}/proof/0-0" })
        {
            using var response = await http.GetAsync(new Uri(door, path));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // Proofs count nothing towards the delivery (§9): only blob bytes do.
        Assert.Equal(DeliveryState.Outstanding, f.StateOf(cap));
    }

    [Fact]
    public async Task A_ranged_framed_fetch_carries_its_proof_and_is_checked_as_it_lands()
    {
        await using var f = await FetchFixture.StartAsync();
        var content = FetchFixture.Bytes((6 * C) + 77, 2);
        var (cap, result) = await f.SubmitAsync(content);
        await using var client = await FramedFetchClient.ConnectAsync(f.Framed, f.FramedOptions(false));

        // From the middle of chunk 2: the proof covers chunks 2..6 and arrives before the data, which is checked per chunk.
        var verifier = new PayloadVerifier(content.Length, result.PayloadHash);
        var sink = new CheckingSink(verifier, (2 * C) + 1000);
        var response = await client.FetchAsync(cap, sink, (2 * C) + 1000, -1, verifier);

        Assert.Equal(MetaStatus.Ok, response.Status);
        Assert.True(verifier.CanCheck(2) && verifier.CanCheck(6) && !verifier.CanCheck(1));
        Assert.Equal(4, sink.Checked); // chunks 3, 4, 5 and 6 whole; chunk 2 arrived only in part
        Assert.Equal(content.AsSpan((2 * C) + 1000).ToArray(), sink.Bytes.ToArray());

        // A proof alone (head + proof) for a kept prefix.
        var fresh = new PayloadVerifier(content.Length, result.PayloadHash);
        Assert.Equal(MetaStatus.Ok, (await client.FetchProofAsync(cap, fresh, 0)).Status);
        Assert.True(fresh.Check(0, content.AsSpan(0, C)));
        Assert.False(fresh.Check(1, content.AsSpan(0, C)));

        // The notified hash of another blob: the door's proof does not reach it, so the fetch fails before any data.
        var wrong = new PayloadVerifier(content.Length, Bytes32.Random());
        var nothing = new CheckingSink(wrong, 0);
        await Assert.ThrowsAsync<PayloadMismatchException>(() => client.FetchAsync(cap, nothing, 0, -1, wrong));
        Assert.Equal(0, nothing.Bytes.Length);
        Assert.True(client.IsConnected);
    }

    [Theory]
    [InlineData("framed", 0)]
    [InlineData("framed", 3)]
    [InlineData("http", 1)]
    [InlineData("http", 4)]
    public async Task A_corrupted_chunk_is_refused_at_that_chunk_and_the_next_source_resumes_after_it(string door, int k)
    {
        await using var p = await PullFixture.StartAsync();
        var bad = door == "framed" ? p.FramedHint() : p.HttpHint();
        var good = door == "framed" ? p.HttpHint() : p.FramedHint();
        var (hash, reference, content) = await p.NotifyAsync((5 * C) + 500, 10 + k, [bad, good]);
        TamperingSource? tampering = null;
        TamperingSource? recording = null;
        var factory = TamperingSource.Factory(
            TamperingSource.Factory(p.Sources, good, s => recording = new TamperingSource(s, -1)),
            bad,
            s => tampering = new TamperingSource(s, ((long)k * C) + 4321));
        await using var worker = new PullWorker(p.Pending, p.Messages, new StaticDescriptorResolver(PullFixture.Descriptor(p.SenderKey)), factory, new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Stored, result.Outcome);
        Assert.Equal(content, p.Stored(hash, reference.Capability));

        // The bad source's last write was the one that completed chunk k: refused there, not at the end of the blob.
        Assert.True(tampering!.LastWriteStart < (k + 1L) * C && tampering.Reached >= (k + 1L) * C, $"last write {tampering.LastWriteStart}–{tampering.Reached}");
        Assert.Equal([0L], tampering.Offsets);

        // The next source was asked only for what had not verified: from chunk k on.
        Assert.Equal([(long)k * C], recording!.Offsets);
    }

    [Theory]
    [InlineData("framed")]
    [InlineData("http")]
    public async Task A_resumed_pull_checks_the_bytes_it_kept(string door)
    {
        await using var p = await PullFixture.StartAsync();
        var hint = door == "framed" ? p.FramedHint() : p.HttpHint();
        var (hash, reference, content) = await p.NotifyAsync((4 * C) + 10, 20, [hint]);
        TamperingSource? recording = null;
        var factory = TamperingSource.Factory(p.Sources, hint, s => recording = new TamperingSource(s, -1));

        // An earlier process left three chunks in the partial file, the third one damaged.
        var kept = content.AsSpan(0, 3 * C).ToArray();
        kept[(2 * C) + 9] ^= 0xFF;
        var partial = Path.Combine(p.Directory, "messages", hash.ToString(), reference.Capability + ".partial");
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        await File.WriteAllBytesAsync(partial, kept);
        await using var worker = new PullWorker(p.Pending, p.Messages, new StaticDescriptorResolver(PullFixture.Descriptor(p.SenderKey)), factory, new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Stored, result.Outcome);
        Assert.Equal(content, p.Stored(hash, reference.Capability));
        Assert.Equal([2L * C], recording!.Offsets); // two good chunks kept, the damaged one fetched again
    }

    /// <summary>A destination for a ranged fetch that checks each whole chunk with the verifier as it completes.</summary>
    private sealed class CheckingSink : Stream
    {
        private readonly PayloadVerifier _verifier;
        private readonly MemoryStream _chunk = new();
        private long _at;
        private bool _skipping;

        public CheckingSink(PayloadVerifier verifier, long start)
        {
            _verifier = verifier;
            _at = start;
            _skipping = start % C != 0; // a chunk the range starts inside cannot be checked
        }

        public MemoryStream Bytes { get; } = new();

        public int Checked { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Bytes.Length;

        public override long Position { get => Bytes.Length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            foreach (var b in buffer.AsSpan(offset, count))
            {
                Bytes.WriteByte(b);
                if (!_skipping)
                {
                    _chunk.WriteByte(b);
                }

                _at++;
                if (_at % C != 0 && _at != _verifier.Size)
                {
                    continue;
                }

                if (!_skipping)
                {
                    if (!_verifier.Check((_at - 1) / C, _chunk.ToArray()))
                    {
                        throw new PayloadMismatchException((_at - 1) / C, "chunk does not match");
                    }

                    Checked++;
                }

                _skipping = false;
                _chunk.SetLength(0);
            }
        }
    }
}
