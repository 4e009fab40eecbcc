using NSec.Cryptography;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;

namespace Tern.Engine.Tests.Protocol.Envelopes;

/// <summary>An impostor: another domain's key set that claims to speak for <c>domain</c>, as a hostile domain would.</summary>
internal sealed class SignedByAnyDomain(DomainKeySet keys, string domain) : IDomainKeys
{
    public string Domain => domain;

    public ReadOnlySpan<byte> SigningPublicKey => keys.SigningPublicKey;

    public ReadOnlySpan<byte> AgreementPublicKey => keys.AgreementPublicKey;

    Key IDomainKeys.AgreementKey => ((IDomainKeys)keys).AgreementKey;

    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature) => keys.Sign(message, signature);
}
