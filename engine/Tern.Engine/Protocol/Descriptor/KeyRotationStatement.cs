using System.Buffers.Binary;
using Tern.Engine.Crypto;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// The statement a rotation's cross-signature covers (docs/PROTOCOL.md §16.2): the domain, both key pairs and the window.
/// The descriptor is signed by one of the two signing keys and this statement by the other, so each state carries the
/// word of both.
/// </summary>
public static class KeyRotationStatement
{
    /// <summary>The context label prefixed to the statement (§2.7).</summary>
    public static ReadOnlySpan<byte> ContextLabel => "tern/v1/key-rotation\n"u8;

    /// <summary>The statement's bytes.</summary>
    public static byte[] Build(string domain, Bytes32 oldSigning, Bytes32 oldAgreement, Bytes32 newSigning, Bytes32 newAgreement, long rotatesAt, long previousUntil)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.Length is 0 or > DomainName.MaxLength)
        {
            throw new ArgumentException("Not a domain name.", nameof(domain));
        }

        var bytes = new byte[ContextLabel.Length + 1 + domain.Length + 4 * Bytes32.Size + 16];
        var span = bytes.AsSpan();
        ContextLabel.CopyTo(span);
        var at = ContextLabel.Length;
        span[at++] = (byte)domain.Length;
        foreach (var c in domain)
        {
            span[at++] = (byte)c;
        }

        oldSigning.CopyTo(span[at..]);
        oldAgreement.CopyTo(span[(at + Bytes32.Size)..]);
        newSigning.CopyTo(span[(at + 2 * Bytes32.Size)..]);
        newAgreement.CopyTo(span[(at + 3 * Bytes32.Size)..]);
        at += 4 * Bytes32.Size;
        BinaryPrimitives.WriteUInt64BigEndian(span[at..], (ulong)rotatesAt);
        BinaryPrimitives.WriteUInt64BigEndian(span[(at + 8)..], (ulong)previousUntil);
        return bytes;
    }

    /// <summary>The statement of <paramref name="descriptor"/>'s rotation; throws when it is in none.</summary>
    public static byte[] Of(DomainDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var rotatesAt = descriptor.RotatesAt?.ToUnixTimeSeconds() ?? throw new ArgumentException("The descriptor is in no rotation.", nameof(descriptor));
        var until = descriptor.PreviousUntil?.ToUnixTimeSeconds() ?? throw new ArgumentException("The descriptor is in no rotation.", nameof(descriptor));
        return descriptor.RotationState switch
        {
            KeyRotationState.Announced => Build(descriptor.Domain, descriptor.SigningKey, descriptor.AgreementKey,
                descriptor.NextSigningKey!.Value, descriptor.NextAgreementKey!.Value, rotatesAt, until),
            KeyRotationState.Rotated => Build(descriptor.Domain, descriptor.PreviousSigningKey!.Value, descriptor.PreviousAgreementKey!.Value,
                descriptor.SigningKey, descriptor.AgreementKey, rotatesAt, until),
            _ => throw new ArgumentException("The descriptor is in no rotation.", nameof(descriptor)),
        };
    }

    /// <summary>The key that makes the cross-signature of <paramref name="descriptor"/>'s state (§16.1): the next key when announced, the previous when rotated.</summary>
    public static Bytes32 CrossSigner(DomainDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return descriptor.RotationState switch
        {
            KeyRotationState.Announced => descriptor.NextSigningKey!.Value,
            KeyRotationState.Rotated => descriptor.PreviousSigningKey!.Value,
            _ => throw new ArgumentException("The descriptor is in no rotation.", nameof(descriptor)),
        };
    }

    /// <summary>Signs the statement of <paramref name="descriptor"/> (its rotation fields set, its signature left out) with <paramref name="crossSigner"/>.</summary>
    public static byte[] Sign(DomainDescriptor descriptor, IDomainKeys crossSigner)
    {
        ArgumentNullException.ThrowIfNull(crossSigner);
        if (CrossSigner(descriptor) != new Bytes32(crossSigner.SigningPublicKey))
        {
            throw new ArgumentException("The cross-signature of this state is made by the other signing key (§16.1).", nameof(crossSigner));
        }

        var signature = new byte[Ed25519.SignatureSize];
        crossSigner.Sign(Of(descriptor), signature);
        return signature;
    }

    /// <summary>True when <paramref name="descriptor"/>'s <c>rotation_signature</c> verifies (§16.3 step 1).</summary>
    internal static bool Verifies(DomainDescriptor descriptor)
    {
        if (descriptor.RotationSignature is not { } signature || signature.Length != Ed25519.SignatureSize)
        {
            return false;
        }

        Span<byte> key = stackalloc byte[Bytes32.Size];
        CrossSigner(descriptor).CopyTo(key);
        return Ed25519.Verify(key, Of(descriptor), signature.Span);
    }
}
