using System.Diagnostics.CodeAnalysis;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// The outcome of <see cref="SignedDescriptor.Verify"/>: the verified descriptor, or the reason it was refused
/// with a short detail (the field concerned, or what was found).
/// </summary>
public readonly struct DescriptorVerification
{
    private DescriptorVerification(DomainDescriptor? descriptor, DescriptorFailure failure, string? detail)
    {
        Descriptor = descriptor;
        Failure = failure;
        Detail = detail;
    }

    /// <summary>The verified descriptor; null when <see cref="Failure"/> is set.</summary>
    public DomainDescriptor? Descriptor { get; }

    /// <summary>Why the document was refused; <see cref="DescriptorFailure.None"/> when it verified.</summary>
    public DescriptorFailure Failure { get; }

    /// <summary>What failed, for logs: the field name for <see cref="DescriptorFailure.MissingField"/> and <see cref="DescriptorFailure.InvalidField"/>.</summary>
    public string? Detail { get; }

    /// <summary>True when the document verified and <see cref="Descriptor"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Descriptor))]
    public bool IsValid => Descriptor is not null;

    internal static DescriptorVerification Valid(DomainDescriptor descriptor) => new(descriptor, DescriptorFailure.None, null);

    internal static DescriptorVerification Fail(DescriptorFailure failure, string detail) => new(null, failure, detail);

    /// <inheritdoc />
    public override string ToString() => IsValid ? $"valid descriptor for {Descriptor.Domain}" : $"{Failure}: {Detail}";
}
