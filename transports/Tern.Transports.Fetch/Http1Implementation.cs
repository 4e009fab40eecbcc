namespace Tern.Transports.Fetch;

/// <summary>Which HTTP/1.1 implementation serves the HTTP listeners that speak HTTP/1.1 only.</summary>
public enum Http1Implementation
{
    /// <summary>
    /// Tern's own HTTP/1.1 blob door on a Kestrel connection handler: the same answers, without Kestrel's general HTTP
    /// machinery (0.81× the CPU per 1 KiB request of Kestrel's stack on one core, perf-reports/fetch.md).
    /// </summary>
    Tern = 0,

    /// <summary>Kestrel's HTTP/1.1 stack with the blob door as its request delegate, as listeners offering HTTP/2 use.</summary>
    Kestrel = 1,
}
