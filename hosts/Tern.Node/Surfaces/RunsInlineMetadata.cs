namespace Tern.Node.Surfaces;

/// <summary>
/// Endpoint metadata: the route never blocks (no disk, no waiting lock, no synchronous wait on a task), so on a surface
/// with inline scheduling it may run on the socket engine's thread that read its request. Every other route is moved
/// to the thread pool first (<see cref="SocketThreadGuard"/>). Set with <see cref="InlineRouteExtensions.RunsInline"/>.
/// </summary>
internal sealed class RunsInlineMetadata
{
    public static readonly RunsInlineMetadata Instance = new();

    private RunsInlineMetadata()
    {
    }
}
