namespace Tern.Transports.Udp;

/// <summary>
/// A batch receiver on one bound UDP socket. <see cref="Receive"/> blocks until at least one datagram
/// arrives or the socket's receive timeout passes, then exposes the batch until the next call.
/// </summary>
internal interface IDatagramReceiver : IDisposable
{
    /// <summary>Receives up to a batch; returns the count (0 on timeout).</summary>
    int Receive();

    /// <summary>The payload of datagram <paramref name="index"/> of the last batch.</summary>
    ReadOnlySpan<byte> Datagram(int index);

    /// <summary>The source's hash (<see cref="Tern.Engine.Ingest.SourcePrefix"/>: an IPv4 address or an IPv6 /64, ports aside).</summary>
    int SourceHash(int index);
}
