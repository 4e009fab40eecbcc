namespace Tern.Admin.Wire;

/// <summary>One contact of a plan document; the node reads it strictly (unknown fields are refused).</summary>
/// <param name="Contact">The contact's id: 1 to 64 printable ASCII characters, unique in the plan.</param>
/// <param name="Source">The sending domain.</param>
/// <param name="Destination">The receiving domain.</param>
/// <param name="Start">Start of the (first) window, RFC 3339 with its offset.</param>
/// <param name="End">End of the (first) window, after start.</param>
/// <param name="RateBitsPerSecond">The rate in bits per second, 1 to 10^12.</param>
/// <param name="OneWayLightTimeSeconds">The one-way light time in seconds, 0 to 172800.</param>
/// <param name="Repeat">Repeats the window; absent for one window.</param>
public sealed record ContactPlanEntry(string Contact, string Source, string Destination, DateTimeOffset Start, DateTimeOffset End, long RateBitsPerSecond,
    double OneWayLightTimeSeconds, ContactRepeat? Repeat);
