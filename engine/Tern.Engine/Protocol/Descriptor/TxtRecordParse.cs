namespace Tern.Engine.Protocol.Descriptor;

/// <summary>The outcome of <see cref="TernDnsRecords.ParseTxtValue"/>: the published fingerprints, or why there are none.</summary>
public readonly struct TxtRecordParse
{
    private readonly IReadOnlyList<Bytes32>? _fingerprints;

    private TxtRecordParse(IReadOnlyList<Bytes32>? fingerprints, TxtRecordFailure failure, string? detail)
    {
        _fingerprints = fingerprints;
        Failure = failure;
        Detail = detail;
    }

    /// <summary>
    /// The fingerprints in the order published, any of which may match (key rotation); empty on failure.
    /// Pass them to <see cref="SignedDescriptor.Verify"/> as the trusted set.
    /// </summary>
    public IReadOnlyList<Bytes32> Fingerprints => _fingerprints ?? [];

    /// <summary>Why the value was refused; <see cref="TxtRecordFailure.None"/> when it parsed.</summary>
    public TxtRecordFailure Failure { get; }

    /// <summary>What failed, for logs.</summary>
    public string? Detail { get; }

    /// <summary>True when the value parsed and carries at least one fingerprint.</summary>
    public bool IsValid => Failure == TxtRecordFailure.None && _fingerprints is not null;

    internal static TxtRecordParse Valid(IReadOnlyList<Bytes32> fingerprints) => new(fingerprints, TxtRecordFailure.None, null);

    internal static TxtRecordParse Fail(TxtRecordFailure failure, string detail) => new(null, failure, detail);

    /// <inheritdoc />
    public override string ToString() => IsValid ? $"{Fingerprints.Count} fingerprint(s)" : $"{Failure}: {Detail}";
}
