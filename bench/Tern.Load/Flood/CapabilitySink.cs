using System.Net;
using System.Net.Sockets;
using Tern.Engine.Ingest;
using Tern.Engine.Keys;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Load.Flood;

/// <summary>
/// A third domain's notification port in this process (c.example, its own key set): the node under test sends it the
/// notification of a message submitted to it, and the capability inside is what the fetch probe asks the node's HTTP door for.
/// </summary>
internal sealed class CapabilitySink : INotificationSink, IPullPreferences, IDisposable
{
    public const string Domain = "c.example";

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private FetchCapability? _capability;

    public CapabilitySink(string keysDirectory)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var keys = DomainKeySet.Generate(Domain);
        keys.Save(keysDirectory);
        KeysDirectory = keysDirectory;
    }

    public string KeysDirectory { get; }

    public string Endpoint => _socket.LocalEndPoint!.ToString()!;

    /// <summary>Waits for the first notification that opens and returns its capability.</summary>
    public FetchCapability Receive(TimeSpan timeout)
    {
        using var keys = DomainKeySet.Load(KeysDirectory);
        var ingest = new NotificationIngest(keys, this, this, new IngestOptions());
        var buffer = new byte[2048];
        _socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        while (_capability is null)
        {
            var length = _socket.Receive(buffer);
            ingest.Process(buffer.AsSpan(0, length), 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }

        return _capability.Value;
    }

    public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
    {
        _capability ??= record.Capability;
        return DropReason.None;
    }

    public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs) => false;

    public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain) => PullPreference.WhenRequested;

    public void Dispose() => _socket.Dispose();
}
