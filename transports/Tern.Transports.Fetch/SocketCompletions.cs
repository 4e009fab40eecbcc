namespace Tern.Transports.Fetch;

/// <summary>
/// Where .NET's socket engine runs the continuations of asynchronous socket operations on Linux. By default its event
/// thread hands every completion to the thread pool: each request then costs a wake-up and a thread switch, which on a
/// one-core fetch server is most of the gap to nginx (perf-reports/fetch.md). Inline completions run them on the event
/// thread itself. The runtime reads the setting once, when the process first uses an asynchronous socket, and only from
/// the environment; so a host applies it first thing in <c>Main</c>.
/// </summary>
/// <remarks>
/// Inline completions are safe only while no socket continuation blocks, since a blocked event thread stalls every
/// socket of the process. The fetch doors never block (store reads are asynchronous; the index lock covers a lookup);
/// the message store commits on the thread pool (<c>MessageStore.CommitAsync</c>).
/// </remarks>
public static class SocketCompletions
{
    /// <summary>The runtime's environment variable ("1" runs completions inline).</summary>
    public const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Asks for inline completions unless the operator set <see cref="InlineVariable"/> already (an explicit "0" wins).
    /// Returns whether the process runs them inline, provided no asynchronous socket was used before the call.
    /// </summary>
    public static bool PreferInline()
    {
        if (Environment.GetEnvironmentVariable(InlineVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineVariable, "1");
        }

        return IsInline;
    }

    /// <summary>Whether the environment asks for inline completions.</summary>
    public static bool IsInline => Environment.GetEnvironmentVariable(InlineVariable) == "1";
}
