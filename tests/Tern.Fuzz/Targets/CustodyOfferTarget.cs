using Tern.Engine.Protocol.Custody;

namespace Tern.Fuzz.Targets;

/// <summary>A custody offer (docs/PROTOCOL.md §10.2): <see cref="CustodyOffer.TryParse"/> gives an offer or a reason.</summary>
internal sealed class CustodyOfferTarget : IFuzzTarget
{
    public string Name => "custody-offer";

    public string Covers => "custody offers: CustodyOffer.TryParse (layout, domains, MIME hint, recipient list, times, Ed25519 signature)";

    public void Run(ReadOnlySpan<byte> input)
    {
        var ok = CustodyOffer.TryParse(input, out var offer, out var error);
        if (ok != (error == CustodyOfferError.None) || ok != (offer is not null))
        {
            throw new FuzzContractException($"TryParse returned {ok} with {error}");
        }

        if (ok && offer!.EncodedLength != input.Length)
        {
            throw new FuzzContractException($"a valid offer of {input.Length} bytes measures {offer.EncodedLength}");
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        yield return new Seed("offer", VectorSeeds.Hex(vectors.File("custody.json"), "bytes"));
    }
}
