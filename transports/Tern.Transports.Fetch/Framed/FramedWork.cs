namespace Tern.Transports.Fetch.Framed;

/// <summary>What a <see cref="FramedWorkItem"/> asks the connection's writer to send.</summary>
internal enum FramedWork : byte
{
    /// <summary>A fetch stream: meta, then data frames in turns with the other streams.</summary>
    Fetch,

    /// <summary>A <c>pong</c> echoing a ping.</summary>
    Pong,

    /// <summary>The signed descriptor.</summary>
    Descriptor,

    /// <summary>A <c>goaway</c>, after which the writer stops and the connection closes.</summary>
    GoAway,

    /// <summary>A key lookup (docs/PROTOCOL.md §14.4): one <c>user_keys</c> frame ends its stream.</summary>
    UserKeys,
}
