namespace Tern.Node;

/// <summary>What lives where in a node's data directory (docs/OPERATIONS.md, "The data directory").</summary>
public static class TernDataDirectory
{
    /// <summary>The configuration file read from the data directory unless <c>--config</c> names another.</summary>
    public const string SettingsFileName = "appsettings.json";

    /// <summary>The file the started node writes its bound ports to.</summary>
    public const string PortsFileName = "ports.json";

    /// <summary>The domain's key set (<c>domain.key</c> 0600, <c>domain.pub</c>).</summary>
    public static string Keys(string dataDirectory) => Path.Combine(dataDirectory, "keys");

    /// <summary>The published user key bundles, one file per address hash (docs/PROTOCOL.md §14.4).</summary>
    public static string UserKeys(string dataDirectory) => Path.Combine(dataDirectory, "user-keys");

    /// <summary>The pending table's files.</summary>
    public static string Pending(string dataDirectory) => Path.Combine(dataDirectory, "pending");

    /// <summary>Small state files: the bound ports, the fetch coverage of partly fetched deliveries.</summary>
    public static string State(string dataDirectory) => Path.Combine(dataDirectory, "state");

    /// <summary>The sender domains the operator blocked, one a line (the admin surface's domain blocks).</summary>
    public static string BlocksFile(string dataDirectory) => Path.Combine(dataDirectory, "blocks.txt");

    /// <summary>The pull preferences the operator set through the admin surface (JSON).</summary>
    public static string OperatorPreferencesFile(string dataDirectory) => Path.Combine(dataDirectory, "preferences.json");

    /// <summary>The admin surface's bearer token (0600), written by <c>tern init</c> or the first start with an admin listener.</summary>
    public static string AdminTokenFile(string dataDirectory) => Path.Combine(Keys(dataDirectory), "admin.token");

    /// <summary>The file with the ports the running node bound.</summary>
    public static string PortsFile(string dataDirectory) => Path.Combine(State(dataDirectory), PortsFileName);
}
