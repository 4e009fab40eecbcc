using Tern.Engine.Protocol.Receipts;

namespace Tern.Fuzz.Targets;

/// <summary>A responsibility receipt (docs/PROTOCOL.md §10): <see cref="ResponsibilityReceipt.TryParse"/> gives a receipt or a reason.</summary>
internal sealed class ReceiptTarget : IFuzzTarget
{
    public string Name => "receipt";

    public string Covers => "responsibility receipts: ResponsibilityReceipt.TryParse (layout, domains, times, Ed25519 signature)";

    public void Run(ReadOnlySpan<byte> input)
    {
        var ok = ResponsibilityReceipt.TryParse(input, out _, out var error);
        if (ok != (error == ReceiptError.None))
        {
            throw new FuzzContractException($"TryParse returned {ok} with {error}");
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        yield return new Seed("receipt", VectorSeeds.Hex(vectors.File("receipt.json"), "bytes"));
    }
}
