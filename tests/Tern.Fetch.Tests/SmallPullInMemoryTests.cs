using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.Fetch.Tests;

/// <summary>
/// A pull of a blob small enough to ride in its commit record runs in memory (docs/ARCHITECTURE.md §5.2 step 4): a cut
/// connection resumes with a range from what arrived, a corrupt source hands over to the next, and no partial file
/// appears at any point; a large blob's pull goes through its partial file as before.
/// </summary>
public sealed class SmallPullInMemoryTests
{
    [Theory]
    [InlineData("framed", 6000)]
    [InlineData("http", 6000)]
    [InlineData("framed", 300_000)]
    public async Task A_pull_cut_mid_body_resumes_with_a_range_and_only_a_large_blob_has_a_partial_file(string door, int size)
    {
        await using var p = await PullFixture.StartAsync();
        var target = door == "framed" ? p.Sender.Framed : new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, p.Sender.Http.Port);
        await using var proxy = new CuttingProxy(target, cutAfter: size / 2, cuts: 1);
        var hint = door == "framed" ? p.FramedHint(proxy.EndPoint) : p.HttpHint(proxy.EndPoint);
        var (hash, reference, content) = await p.NotifyAsync(size, 31, [hint]);
        var partial = PartialPath(p, hash, reference.Capability);
        ProbingSource? probe = null;
        var factory = TamperingSource.Factory(p.Sources, hint, s => probe = new ProbingSource(s, partial));
        await using var worker = new PullWorker(p.Pending, p.Messages, new StaticDescriptorResolver(PullFixture.Descriptor(p.SenderKey)), factory, new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Stored, result.Outcome);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(content, p.Stored(hash, reference.Capability));
        Assert.Equal(2, probe!.Offsets.Count);
        Assert.Equal(0, probe.Offsets[0]);

        // Resumed from what arrived: over HTTP the body's first half; a framed data frame cut inside is not handed on.
        Assert.InRange(probe.Offsets[1], door == "http" || size > 64 * 1024 ? 1 : 0, size - 1);
        Assert.Equal(size > 8 * 1024, probe.PartialSeen);

        // The checkpoint that names the message renames a large one's partial to its .blob.
        await p.Messages.CheckpointAsync();
        Assert.False(File.Exists(partial));
    }

    [Theory]
    [InlineData("framed", 5000)]
    [InlineData("http", 5000)]
    [InlineData("framed", 300_000)]
    public async Task A_corrupt_source_hands_over_to_the_next_and_a_small_blob_never_touches_a_partial_file(string door, int size)
    {
        await using var p = await PullFixture.StartAsync();
        var bad = door == "framed" ? p.FramedHint() : p.HttpHint();
        var good = door == "framed" ? p.HttpHint() : p.FramedHint();
        var (hash, reference, content) = await p.NotifyAsync(size, 32, [bad, good]);
        var partial = PartialPath(p, hash, reference.Capability);
        ProbingSource? first = null;
        ProbingSource? second = null;
        var factory = TamperingSource.Factory(
            TamperingSource.Factory(p.Sources, good, s => second = new ProbingSource(s, partial)),
            bad,
            s => first = new ProbingSource(new TamperingSource(s, size - 100), partial));
        await using var worker = new PullWorker(p.Pending, p.Messages, new StaticDescriptorResolver(PullFixture.Descriptor(p.SenderKey)), factory, new PullWorkerOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

        var result = await worker.PullAsync(hash, reference);

        Assert.Equal(PullOutcome.Stored, result.Outcome);
        Assert.Equal(content, p.Stored(hash, reference.Capability));
        Assert.Equal([0L], first!.Offsets);
        Assert.Equal(size > 8 * 1024 ? [256L * 1024] : [0L], second!.Offsets); // a one-chunk blob is fetched again whole
        Assert.Equal(size > 8 * 1024, first.PartialSeen || second.PartialSeen);
        await p.Messages.CheckpointAsync();
        Assert.False(File.Exists(partial));
    }

    private static string PartialPath(PullFixture p, RecipientHash hash, FetchCapability capability) =>
        Path.Combine(p.Directory, "messages", hash.ToString(), capability + ".partial");

    /// <summary>A fetch source that records the offsets asked and whether the pull's partial file existed after each fetch.</summary>
    private sealed class ProbingSource(IFetchSource inner, string partial) : IFetchSource
    {
        public string Address => inner.Address;

        public List<long> Offsets { get; } = [];

        public bool PartialSeen { get; private set; }

        public async Task<FetchResponse> FetchAsync(FetchCapability capability, Stream destination, long offset, PayloadVerifier? verifier, CancellationToken cancellationToken)
        {
            Offsets.Add(offset);
            try
            {
                return await inner.FetchAsync(capability, destination, offset, verifier, cancellationToken);
            }
            finally
            {
                PartialSeen |= File.Exists(partial);
            }
        }

        public Task<FetchResponse> FetchProofAsync(FetchCapability capability, PayloadVerifier verifier, long offset, CancellationToken cancellationToken)
            => inner.FetchProofAsync(capability, verifier, offset, cancellationToken);
    }
}
