using Tern.Engine.Transit;

namespace Tern.Fuzz.Targets;

/// <summary>
/// The transit index checkpoint file (docs/ARCHITECTURE.md §3.2): magic, version, the ledger, every blob's submission
/// record and delivery states. Tern's own file: a damaged one is an <see cref="InvalidDataException"/> naming it.
/// </summary>
internal sealed class IndexCheckpointTarget : IFuzzTarget
{
    public string Name => "index-checkpoint";

    public string Covers => "transit index checkpoints: IndexCheckpoint.Read (ledger maps, submission records, delivery states)";

    public void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            IndexCheckpoint.Read(new MemoryStream(input.ToArray(), writable: false), "index.ckpt", new TransitLedger(), [], out _);
        }
        catch (InvalidDataException)
        {
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var ledger = new TransitLedger();
        var blobs = new List<BlobEntry> { StoredSamples.Blob(vectors, "message/rfc822", 2), StoredSamples.Blob(vectors, null, 1) };
        foreach (var blob in blobs)
        {
            ledger.Submitted(blob, blob.SubmittedMs);
        }

        var stream = new MemoryStream();
        IndexCheckpoint.WriteContent(stream, 4096, ledger, blobs);
        yield return new Seed("checkpoint", stream.ToArray());
        stream.SetLength(0);
        IndexCheckpoint.WriteContent(stream, 64, new TransitLedger(), []);
        yield return new Seed("empty", stream.ToArray());
    }
}
