namespace Tern.Engine.Contacts;

/// <summary>Rate arithmetic of contact windows, in whole bytes and milliseconds, safe from overflow.</summary>
internal static class ContactMath
{
    /// <summary>Bytes a link of <paramref name="rateBitsPerSecond"/> carries in <paramref name="ms"/> milliseconds (rounded down).</summary>
    public static long BytesIn(long ms, long rateBitsPerSecond) => (long)Math.Min(long.MaxValue, (decimal)ms * rateBitsPerSecond / 8000m);

    /// <summary>Milliseconds a link of <paramref name="rateBitsPerSecond"/> takes for <paramref name="bytes"/> (rounded up).</summary>
    public static long MillisecondsFor(long bytes, long rateBitsPerSecond) => (long)Math.Min(long.MaxValue, Math.Ceiling((decimal)bytes * 8000m / rateBitsPerSecond));
}
