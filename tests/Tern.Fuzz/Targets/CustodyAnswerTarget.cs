using Tern.Engine.Protocol.Custody;

namespace Tern.Fuzz.Targets;

/// <summary>A gateway's answer to an offer (docs/PROTOCOL.md §10.3): <see cref="CustodyAnswer.TryParse"/> gives an answer or a reason.</summary>
internal sealed class CustodyAnswerTarget : IFuzzTarget
{
    public string Name => "custody-answer";

    public string Covers => "custody answers: CustodyAnswer.TryParse (status, receipt length, retry_after, reason, detail)";

    public void Run(ReadOnlySpan<byte> input)
    {
        var ok = CustodyAnswer.TryParse(input, out var answer, out var error);
        if (ok != (error == CustodyAnswerError.None))
        {
            throw new FuzzContractException($"TryParse returned {ok} with {error}");
        }

        if (ok && answer.EncodedLength != input.Length)
        {
            throw new FuzzContractException($"a well-formed answer of {input.Length} bytes measures {answer.EncodedLength}");
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var answers = vectors.File("custody.json").GetProperty("answers");
        yield return new Seed("accepted", VectorSeeds.Hex(answers, "accepted"));
        yield return new Seed("in-progress", VectorSeeds.Hex(answers, "in_progress_1000ms"));
        yield return new Seed("declined", VectorSeeds.Hex(answers, "declined_expiry"));
    }
}
