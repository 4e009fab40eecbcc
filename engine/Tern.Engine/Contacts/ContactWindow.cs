namespace Tern.Engine.Contacts;

/// <summary>One window of a contact: when it opens and closes, at what rate, and the light time across it.</summary>
/// <param name="Contact">The contact's id in the plan.</param>
/// <param name="Source">The sending domain.</param>
/// <param name="Destination">The receiving domain.</param>
/// <param name="Opens">Start of the window (inclusive).</param>
/// <param name="Closes">End of the window (exclusive).</param>
/// <param name="RateBitsPerSecond">The link's rate in the window, in bits per second.</param>
/// <param name="OneWayLightTime">What a bit sent takes to arrive.</param>
/// <param name="Cycle">Which window of the contact (0 for the first).</param>
public readonly record struct ContactWindow(
    string Contact,
    string Source,
    string Destination,
    DateTimeOffset Opens,
    DateTimeOffset Closes,
    long RateBitsPerSecond,
    TimeSpan OneWayLightTime,
    long Cycle)
{
    /// <summary>The window <paramref name="cycle"/> of <paramref name="contact"/>.</summary>
    public static ContactWindow Of(ContactDefinition contact, long cycle)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var opens = contact.StartOf(cycle);
        return new ContactWindow(contact.Id, contact.Source, contact.Destination, DateTimeOffset.FromUnixTimeMilliseconds(opens),
            DateTimeOffset.FromUnixTimeMilliseconds(opens + contact.LengthMs), contact.RateBitsPerSecond,
            TimeSpan.FromMilliseconds(contact.OneWayLightTimeMs), cycle);
    }

    /// <summary>Bytes the window carries at its rate between <paramref name="from"/> and <paramref name="to"/>, clipped to the window.</summary>
    public long CapacityBytes(DateTimeOffset from, DateTimeOffset to)
    {
        var start = from > Opens ? from : Opens;
        var end = to < Closes ? to : Closes;
        return start >= end ? 0 : ContactMath.BytesIn((long)(end - start).TotalMilliseconds, RateBitsPerSecond);
    }
}
