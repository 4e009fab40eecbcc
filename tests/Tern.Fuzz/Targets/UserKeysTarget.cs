using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Fuzz.Targets;

/// <summary>
/// A key lookup answer as the HTTP path and the framed <c>user_keys</c> frame carry it (docs/PROTOCOL.md §14.4), and the
/// same bytes as one record and one revocation: <see cref="UserKeyBundle.TryParse"/>, <see cref="UserKeyRecord.TryParse"/>,
/// <see cref="UserKeyRevocation.TryParse"/>, then <see cref="UserKeyBundle.Current"/> for a.example's key.
/// </summary>
internal sealed class UserKeysTarget : IFuzzTarget
{
    private static readonly Bytes32 DomainKey = new(FixedKeys.A.SigningPublicKey);

    public string Name => "user-keys";

    public string Covers => "user key records, revocations and lookup bundles: UserKeyBundle.TryParse and Current, UserKeyRecord/UserKeyRevocation.TryParse (layout, kinds, flags, times, address, Ed25519 signature, one signer)";

    public void Run(ReadOnlySpan<byte> input)
    {
        Expect(UserKeyRecord.TryParse(input, out _, out var error), error);
        Expect(UserKeyRevocation.TryParse(input, out _, out error), error);
        var ok = UserKeyBundle.TryParse(input, out var bundle, out error, out var failed);
        Expect(ok, error);
        if (ok != (bundle is not null) || (ok && (bundle!.Records.Count + bundle.Revocations.Count != input[0] || failed != -1)))
        {
            throw new FuzzContractException($"bundle {ok}, entries and count or failed index {failed} disagree");
        }

        if (ok)
        {
            var verdict = bundle!.Current(DomainKey, "alice@a.example", 1_790_000_000_000, out var current);
            if (verdict == UserKeyVerdict.Valid && current.Check(DomainKey, "alice@a.example", 1_790_000_000_000, bundle.Revocations) != UserKeyVerdict.Valid)
            {
                throw new FuzzContractException("Current chose a record its own check refuses");
            }
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var file = vectors.File("user-keys.json");
        yield return new Seed("bundle", VectorSeeds.Hex(file.GetProperty("bundle"), "bytes"));
        yield return new Seed("record", VectorSeeds.Hex(file.GetProperty("record"), "bytes"));
        yield return new Seed("revocation", VectorSeeds.Hex(file.GetProperty("rotation").GetProperty("revocation"), "bytes"));
        yield return new Seed("sender-bundle", VectorSeeds.Hex(vectors.File("envelope.json"), "sender_bundle"));
    }

    private static void Expect(bool ok, UserKeyError error)
    {
        if (ok != (error == UserKeyError.None))
        {
            throw new FuzzContractException($"TryParse returned {ok} with {error}");
        }
    }
}
