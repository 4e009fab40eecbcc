using Tern.Engine.Protocol.Fetch;

namespace Tern.Transports.Fetch.Framed;

/// <summary>The goaway reasons the server sends, as shared UTF-8 arrays (so a goaway allocates nothing).</summary>
internal static class GoAwayReasons
{
    public static readonly byte[] TooManyStreams = "too many concurrent streams"u8.ToArray();
    public static readonly byte[] StreamInUse = "stream id already in use"u8.ToArray();
    public static readonly byte[] WrongDirection = "frame type not sent by clients"u8.ToArray();
    public static readonly byte[] ControlFlood = "too many unanswered pings and descriptor requests"u8.ToArray();
    public static readonly byte[] NoDescriptor = "no descriptor configured"u8.ToArray();
    public static readonly byte[] Internal = "internal error"u8.ToArray();
    public static readonly byte[] Closing = "closing"u8.ToArray();

    private static readonly byte[][] ByError = BuildByError();

    /// <summary>The reason for a protocol error found by <see cref="FrameReader"/>.</summary>
    public static byte[] For(FrameError error) => (int)error < ByError.Length ? ByError[(int)error] : Internal;

    private static byte[][] BuildByError()
    {
        var values = Enum.GetValues<FrameError>();
        var table = new byte[(int)values[^1] + 1][];
        foreach (var error in values)
        {
            table[(int)error] = error.ToReason().ToArray();
        }

        return table;
    }
}
