using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Fuzz.Targets;

/// <summary>
/// A signed descriptor document as served at <c>/.well-known/tern</c> or in a <c>descriptor</c> frame (docs/PROTOCOL.md
/// §6.2): <see cref="SignedDescriptor.Verify"/> for a.example, at the vector's verification time, trusting a.example's
/// fingerprint. Whatever verifies must be a.example's descriptor.
/// </summary>
internal sealed class SignedDescriptorTarget : IFuzzTarget
{
    internal static readonly DateTimeOffset VerifyAt = DateTimeOffset.FromUnixTimeSeconds(1_790_003_600);
    internal static readonly Bytes32[] Trusted = [Bytes32.Parse(FixedKeys.A.Fingerprint)];

    public string Name => "signed-descriptor";

    public string Covers => "signed descriptor documents: SignedDescriptor.Verify (StrictJson, the outer document, base64url, the descriptor's fields, signature, fingerprint, domain, expiry)";

    public void Run(ReadOnlySpan<byte> input) => Check(SignedDescriptor.Verify(input, "a.example", VerifyAt, Trusted));

    /// <summary>Throws when a verification result is not one a verifier can act on.</summary>
    internal static void Check(in DescriptorVerification result)
    {
        if (result.IsValid ? result.Descriptor!.Domain != "a.example" : result.Failure == DescriptorFailure.None)
        {
            throw new FuzzContractException($"verification gave {result}");
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        yield return new Seed("document", System.Text.Encoding.UTF8.GetBytes(VectorSeeds.Text(vectors.File("descriptor.json"), "document")));
        foreach (var verdict in vectors.File("descriptor-verdicts.json").GetProperty("cases").EnumerateArray())
        {
            yield return new Seed("verdict-" + VectorSeeds.Text(verdict, "name"), System.Text.Encoding.UTF8.GetBytes(VectorSeeds.Text(verdict, "document")));
        }
    }
}
