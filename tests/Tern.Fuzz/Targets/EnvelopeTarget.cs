using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Fuzz.Targets;

/// <summary>
/// A signed envelope as the recipient's client opens it (docs/PROTOCOL.md §15.1, §15.4): <see cref="EnvelopeVerification.Verify"/>
/// against alice's key bundle of the vectors, the same bytes as a sealed envelope for bob (<see cref="EnvelopeSeal.TryOpen(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, out int)"/>),
/// and as the last chunk of a payload under the vectors' content key (<see cref="PayloadEncryption.TryOpenChunk"/>, §15.5).
/// Whatever verifies must be alice's envelope to the vectors' pairwise hash.
/// </summary>
internal sealed class EnvelopeTarget : IFuzzTarget
{
    private static readonly Bytes32 DomainKey = new(FixedKeys.A.SigningPublicKey);
    private const long Now = 1_790_000_000_000;
    private const long Day = 86_400_000;

    // alice@a.example's record and bob's agreement secret, from the fixed secrets of tests/vectors/envelope.json.
    private static readonly byte[] AliceAgreementSecret = Run(0x18);
    private static readonly byte[] BobSecret = Run(0x28);
    private static readonly UserKeyBundle Bundle = AliceBundle();
    private static readonly RecipientHash Hash = PairwiseHash();
    private static readonly byte[] ContentKey = Run(0x68);
    private readonly byte[] _opened = new byte[EnvelopeSeal.MaxSize];
    private readonly byte[] _plain = new byte[PayloadEncryption.ChunkSize];

    public string Name => "envelope";

    public string Covers => "signed and sealed envelopes: SignedEnvelope.TryParse, EnvelopeVerification.Verify (key record, signature, recipient hash), EnvelopeSeal.TryOpen, PayloadEncryption.TryOpenChunk";

    public void Run(ReadOnlySpan<byte> input)
    {
        var verdict = EnvelopeVerification.Verify(input, Bundle, DomainKey, Hash, Now, out var parsed, out var error);
        if ((verdict == EnvelopeVerdict.Malformed) != (error != EnvelopeError.None)
            || (verdict == EnvelopeVerdict.Valid && (parsed.SenderAddress != "alice@a.example" || parsed.RecipientHash != Hash)))
        {
            throw new FuzzContractException($"verdict {verdict} with {error} for {parsed.SenderAddress}");
        }

        if (EnvelopeSeal.TryOpen(BobSecret, input, _opened, out var written) && written != input.Length - EnvelopeSeal.Overhead)
        {
            throw new FuzzContractException($"opened {written} bytes of a {input.Length}-byte seal");
        }

        if (PayloadEncryption.TryOpenChunk(ContentKey, 0, last: true, input, _plain) && input.Length >= PayloadEncryption.SealedChunkSize)
        {
            throw new FuzzContractException($"a {input.Length}-byte last chunk opened");
        }
    }

    private static UserKeyBundle AliceBundle()
    {
        var signing = new byte[32];
        Tern.Engine.Crypto.Ed25519.PublicKeyFromSeed(Run(0xc1), signing);
        var record = new UserKeyRecord(UserKeyFlags.None, new Bytes32(signing), new Bytes32(Public(AliceAgreementSecret)), Now - (30 * Day), Now - (30 * Day), Now + (335 * Day), DomainKey, "alice@a.example");
        var bytes = new byte[record.EncodedLength];
        record.Sign(FixedKeys.A, bytes);
        return UserKeyBundle.TryParse(UserKeyBundle.Encode([bytes]), out var bundle, out var error, out _) ? bundle! : throw new InvalidOperationException(error.ToString());
    }

    private static RecipientHash PairwiseHash()
        => RecipientHashDerivation.TryPairwise(AliceAgreementSecret, Public(AliceAgreementSecret), Public(BobSecret), "b.example", out var hash) ? hash : throw new InvalidOperationException("agreement");

    private static byte[] Public(byte[] secret)
    {
        var key = new byte[32];
        Tern.Engine.Crypto.X25519.PublicKeyFromSecret(secret, key);
        return key;
    }

    private static byte[] Run(byte first) => [.. Enumerable.Range(first, 32).Select(i => (byte)i)];

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var file = vectors.File("envelope.json");
        yield return new Seed("envelope", VectorSeeds.Hex(file, "bytes"));
        yield return new Seed("sealed", VectorSeeds.Hex(file, "sealed"));
        yield return new Seed("payload", VectorSeeds.Hex(file, "payload"));
    }
}
