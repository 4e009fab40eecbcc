namespace Tern.Engine.Pending;

/// <summary>The outcome of one insert: a status, the cap that refused it (if any) and the reference's sequence.</summary>
public readonly struct PendingInsertResult : IEquatable<PendingInsertResult>
{
    internal PendingInsertResult(PendingInsertStatus status, PendingCap cap, ulong sequence)
    {
        Status = status;
        Cap = cap;
        Sequence = sequence;
    }

    /// <summary>What happened.</summary>
    public PendingInsertStatus Status { get; }

    /// <summary>For <see cref="PendingInsertStatus.TableFull"/>, the cap that was reached; otherwise <see cref="PendingCap.None"/>.</summary>
    public PendingCap Cap { get; }

    /// <summary>The sequence of the new reference (<see cref="PendingInsertStatus.Inserted"/>) or of the existing one (<see cref="PendingInsertStatus.Duplicate"/>); otherwise 0.</summary>
    public ulong Sequence { get; }

    internal static PendingInsertResult Inserted(ulong sequence) => new(PendingInsertStatus.Inserted, PendingCap.None, sequence);

    internal static PendingInsertResult Duplicate(ulong sequence) => new(PendingInsertStatus.Duplicate, PendingCap.None, sequence);

    internal static PendingInsertResult Tombstoned => new(PendingInsertStatus.Tombstoned, PendingCap.None, 0);

    internal static PendingInsertResult Full(PendingCap cap) => new(PendingInsertStatus.TableFull, cap, 0);

    /// <inheritdoc />
    public bool Equals(PendingInsertResult other) => Status == other.Status && Cap == other.Cap && Sequence == other.Sequence;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PendingInsertResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Status, Cap, Sequence);

    /// <inheritdoc />
    public override string ToString() => Cap == PendingCap.None ? $"{Status} (sequence {Sequence})" : $"{Status} ({Cap} cap)";

    /// <summary>Equality.</summary>
    public static bool operator ==(PendingInsertResult left, PendingInsertResult right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PendingInsertResult left, PendingInsertResult right) => !left.Equals(right);
}
