namespace Tern.Engine.Pending;

/// <summary>Pending references charged to one sender domain (the receiver's view of what a sender costs, DESIGN.md "Accounting").</summary>
internal sealed class DomainCounter
{
    public DomainCounter(int id, byte[] name, long count)
    {
        Id = id;
        Name = name;
        Count = count;
    }

    public int Id { get; }

    /// <summary>ASCII, lower-case, as the record carried it.</summary>
    public byte[] Name { get; }

    /// <summary>Live references; changed with <see cref="Interlocked"/>.</summary>
    public long Count;
}
