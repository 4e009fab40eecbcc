namespace Tern.LinkEmulator;

/// <summary>Where the pacing thread hands a datagram or segment when its time comes.</summary>
internal interface IDeliverySink
{
    /// <summary>
    /// Delivers <paramref name="length"/> bytes of <paramref name="buffer"/> (rented from the shared pool: the sink returns
    /// it). Runs on the pacing thread: it must not block.
    /// </summary>
    void Deliver(byte[] buffer, int length);
}
