namespace Tern.Engine.Transit;

/// <summary>Outstanding deliveries and their bytes in one cell of the <see cref="ExpiryIndex"/>; updated in place by reference.</summary>
internal struct ExpiryTotals
{
    public long Deliveries;

    public long Bytes;

    public void Add(in ExpiryTotals other)
    {
        Deliveries += other.Deliveries;
        Bytes += other.Bytes;
    }
}
