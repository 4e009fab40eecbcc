using Tern.Engine.Keys;

namespace Tern.Vectors;

/// <summary>The three domains' key sets, from the fixed secrets of <see cref="VectorInputs"/>.</summary>
internal sealed class VectorKeys : IDisposable
{
    public DomainKeySet A { get; } = DomainKeySet.FromSecrets(VectorInputs.DomainA, VectorInputs.SigningSeedA, VectorInputs.AgreementSecretA, VectorInputs.KeysCreatedAt);

    public DomainKeySet B { get; } = DomainKeySet.FromSecrets(VectorInputs.DomainB, VectorInputs.SigningSeedB, VectorInputs.AgreementSecretB, VectorInputs.KeysCreatedAt);

    /// <summary>The key set a.example rotates to (§16).</summary>
    public DomainKeySet NextA { get; } = DomainKeySet.FromSecrets(VectorInputs.DomainA, VectorInputs.NextSigningSeedA, VectorInputs.NextAgreementSecretA, VectorInputs.KeysCreatedAt);

    public DomainKeySet Gateway { get; } = DomainKeySet.FromSecrets(VectorInputs.GatewayDomain, VectorInputs.GatewaySigningSeed, VectorInputs.GatewayAgreementSecret, VectorInputs.KeysCreatedAt);

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        NextA.Dispose();
        Gateway.Dispose();
    }
}
