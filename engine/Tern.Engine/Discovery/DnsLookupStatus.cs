namespace Tern.Engine.Discovery;

/// <summary>How one DNS query ended, as discovery needs to tell the cases apart (docs/DISCOVERY.md).</summary>
public enum DnsLookupStatus : byte
{
    /// <summary>The server answered with at least one record of the type asked for.</summary>
    Answered = 0,
    /// <summary>The name exists but has no record of that type (NOERROR, empty answer).</summary>
    NoRecords,
    /// <summary>The name does not exist (NXDOMAIN).</summary>
    NotFound,
    /// <summary>No name server answered in time, or none could be reached.</summary>
    Timeout,
    /// <summary>A server answered with an error (SERVFAIL, REFUSED, …).</summary>
    ServerFailure,
    /// <summary>An answer came but could not be read, or its records were unusable.</summary>
    Malformed,
}
