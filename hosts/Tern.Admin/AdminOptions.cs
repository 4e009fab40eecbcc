namespace Tern.Admin;

/// <summary>The operator's admin HTTP surface (<c>Tern:Admin</c>, docs/OPERATIONS.md "The admin API").</summary>
public sealed class AdminOptions
{
    /// <summary>Most items one page of an inspection route returns.</summary>
    public const int MaxPageLimit = 1000;

    /// <summary>
    /// The listener, <c>address:port</c>; empty for none. Defaults to <c>127.0.0.1:7490</c>. Off loopback the node refuses
    /// to start unless <see cref="Tls"/> is set and the token file exists.
    /// </summary>
    public string Listen { get; set; } = "127.0.0.1:7490";

    /// <summary>TLS on the listener, with the fetch doors' certificate (<c>Tern:Node:CertificateFile</c>). Defaults to false.</summary>
    public bool Tls { get; set; }

    /// <summary>Items an inspection page returns when the request names no <c>limit</c>. Defaults to 100.</summary>
    public int DefaultPageLimit { get; set; } = 100;

    /// <summary>Checks the values that do not depend on other sections.</summary>
    public void Validate()
    {
        if (DefaultPageLimit is < 1 or > MaxPageLimit)
        {
            throw new ArgumentException($"AdminOptions.DefaultPageLimit is {DefaultPageLimit}; it must be between 1 and {MaxPageLimit}.");
        }
    }
}
