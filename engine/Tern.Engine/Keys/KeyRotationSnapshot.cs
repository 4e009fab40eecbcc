using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Keys;

/// <summary>
/// The domain's keys at one point of a rotation (docs/PROTOCOL.md §16): immutable, swapped whole by
/// <see cref="DomainKeyRotation"/>, so a reader sees one consistent state without a lock.
/// </summary>
public sealed class KeyRotationSnapshot
{
    internal KeyRotationSnapshot(long version, DomainKeySet old, DomainKeySet? next, DateTimeOffset? rotatesAt, DateTimeOffset? previousUntil, KeyRotationState state)
    {
        Version = version;
        Old = old;
        Next = next;
        RotatesAt = rotatesAt;
        PreviousUntil = previousUntil;
        State = state;
    }

    /// <summary>Increases with every change; a reader that kept the last one it saw knows whether to look again.</summary>
    public long Version { get; }

    /// <summary>The key set of <c>keys/domain.key</c>: the one in use before the rotation (the only one outside a rotation).</summary>
    public DomainKeySet Old { get; }

    /// <summary>The key set of <c>keys/domain.next.key</c> during a rotation, else null.</summary>
    public DomainKeySet? Next { get; }

    /// <summary><c>rotates_at</c> of the rotation under way.</summary>
    public DateTimeOffset? RotatesAt { get; }

    /// <summary><c>previous_until</c>: when the old key set is retired.</summary>
    public DateTimeOffset? PreviousUntil { get; }

    /// <summary>Announced before <see cref="RotatesAt"/>, rotated from it until <see cref="PreviousUntil"/>, else none.</summary>
    public KeyRotationState State { get; }

    /// <summary>
    /// The key set that signs the descriptor, sends notifications and that senders are told to seal to: the new one from
    /// <see cref="RotatesAt"/> on (§16.4, the receiver's preferred secret).
    /// </summary>
    public DomainKeySet Current => State == KeyRotationState.Rotated ? Next! : Old;

    /// <summary>The other agreement secret a receiver still opens with during the rotation (§16.4), else null.</summary>
    public DomainKeySet? Other => State switch
    {
        KeyRotationState.Announced => Next,
        KeyRotationState.Rotated => Old,
        _ => null,
    };

    /// <summary>
    /// The descriptor of this state (§16.1) built on <paramref name="descriptor"/> (made for <see cref="Current"/>), with the
    /// rotation fields and the cross-signature of the other key set; <paramref name="descriptor"/> itself outside a rotation.
    /// </summary>
    public DomainDescriptor Describe(DomainDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (State == KeyRotationState.None)
        {
            return descriptor;
        }

        var rotated = State == KeyRotationState.Rotated;
        var other = Other!;
        var unsigned = With(descriptor, other, rotated, null);
        return With(descriptor, other, rotated, KeyRotationStatement.Sign(unsigned, other));
    }

    private DomainDescriptor With(DomainDescriptor d, DomainKeySet other, bool rotated, byte[]? signature) => new(d)
    {
        NextSigningKey = rotated ? null : new(other.SigningPublicKey),
        NextAgreementKey = rotated ? null : new(other.AgreementPublicKey),
        PreviousSigningKey = rotated ? new(other.SigningPublicKey) : null,
        PreviousAgreementKey = rotated ? new(other.AgreementPublicKey) : null,
        RotatesAt = RotatesAt,
        PreviousUntil = PreviousUntil,
        RotationSignature = signature is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(signature),
    };
}
