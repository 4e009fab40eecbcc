using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Fuzz.Targets;

/// <summary>
/// One transit journal entry as recovery replays it (docs/ARCHITECTURE.md §3.2): a submission record or a state change.
/// The journal is Tern's own file, so its contract is the recovery's: a damaged entry is an
/// <see cref="InvalidDataException"/>, never another exception or an allocation the entry's bytes do not bound.
/// </summary>
internal sealed class JournalTarget : IFuzzTarget
{
    public string Name => "journal";

    public string Covers => "transit journal entries: JournalCodec.ReadSubmission, ReadStateChange and StateChangeCapability, as recovery replays them";

    public void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            switch (JournalCodec.EntryType(input))
            {
                case JournalCodec.SubmissionType or JournalCodec.InlineSubmissionType:
                    JournalCodec.ReadSubmission(input, out _);
                    break;
                case JournalCodec.StateChangeType:
                    JournalCodec.ReadStateChange(input, out _, out var count);
                    for (var i = 0; i < count; i++)
                    {
                        JournalCodec.StateChangeCapability(input, i);
                    }

                    break;
            }
        }
        catch (InvalidDataException)
        {
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        foreach (var (name, blob) in new[] { ("submission", StoredSamples.Blob(vectors, "message/rfc822", 3)), ("submission-bare", StoredSamples.Blob(vectors, null, 1)) })
        {
            var bytes = new byte[JournalCodec.MeasureSubmission(blob)];
            JournalCodec.WriteSubmission(bytes, blob, blob.SubmittedMs);
            yield return new Seed(name, bytes);
        }

        var sample = StoredSamples.Blob(vectors, null, 2);
        FetchCapability[] capabilities = [sample.Deliveries[0].Capability, sample.Deliveries[1].Capability];
        var change = new byte[JournalCodec.MeasureStateChange(capabilities.Length)];
        JournalCodec.WriteStateChange(change, DeliveryState.Fetched, sample.SubmittedMs + 5000, capabilities);
        yield return new Seed("state-change", change);
    }
}
