namespace Tern.Cli.Client;

/// <summary>The node compacted away the events after the cursor (<c>410 cursor-expired</c>, docs/C2S.md §11): <see cref="Oldest"/> is the oldest cursor it still answers.</summary>
internal sealed class CursorExpiredException(ulong oldest, string detail) : Exception(detail)
{
    public ulong Oldest { get; } = oldest;
}
