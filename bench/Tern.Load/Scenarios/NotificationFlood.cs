using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Load.Open;

namespace Tern.Load.Scenarios;

/// <summary>
/// Sealed notification datagrams (docs/PROTOCOL.md §4) from simulated peer domains to one notification port, built and
/// sealed with the engine's own writer (<see cref="DatagramWriter"/>) under each peer's direction key
/// (<see cref="NotificationKey"/>), as a peer's scheduler seals them. One lane per peer, each with its own key set and its
/// own loopback source address (127.0.1.<c>n</c>), so the receiver's per-source budgets see peers, not one flood source.
/// Each datagram carries <c>records</c> notification records for recipient hashes drawn in turn from a fixed set, each
/// with a capability never used before (the run's seeded prefix, the operation's sequence and the record's index).
/// A send is answered by nothing (§4.4): an operation ends when the kernel took the datagram.
/// </summary>
internal sealed class NotificationFlood : ILoadTarget, IDisposable
{
    private readonly IPEndPoint _destination;
    private readonly DomainKeySet[] _peers;
    private readonly byte[][] _keys;
    private readonly RecipientHash[] _recipients;
    private readonly byte[] _capabilityPrefix = new byte[16];
    private readonly Bytes32 _payloadHash;
    private readonly int _records;
    private long _bytes;
    private long _datagrams;
    private long _recordsSent;

    public NotificationFlood(IPEndPoint destination, DomainKeySet receiver, int peers, int records, int recipients, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(peers, 250);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(records);
        _destination = destination;
        _records = records;
        var random = new Random(seed);
        random.NextBytes(_capabilityPrefix);
        Span<byte> bytes = stackalloc byte[32];
        random.NextBytes(bytes);
        _payloadHash = new Bytes32(bytes);
        _recipients = new RecipientHash[recipients];
        for (var i = 0; i < recipients; i++)
        {
            random.NextBytes(bytes);
            _recipients[i] = new RecipientHash(bytes);
        }

        _peers = new DomainKeySet[peers];
        _keys = new byte[peers][];
        for (var i = 0; i < peers; i++)
        {
            _peers[i] = DomainKeySet.Generate($"peer{i}.flood.example");
            _keys[i] = new byte[NotificationKey.Size];
            if (!NotificationKey.TryDeriveSending(_peers[i], receiver.AgreementPublicKey, _keys[i]))
            {
                throw new InvalidOperationException("the receiver's agreement key is of low order");
            }
        }
    }

    /// <summary>Datagram bytes handed to the kernel so far.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Datagrams handed to the kernel so far.</summary>
    public long Datagrams => Volatile.Read(ref _datagrams);

    /// <summary>Notification records sent so far.</summary>
    public long RecordsSent => Volatile.Read(ref _recordsSent);

    public int Peers => _peers.Length;

    public ValueTask<ILoadLane> OpenLaneAsync(int lane, CancellationToken cancellationToken) => ValueTask.FromResult<ILoadLane>(new Lane(this, lane % _peers.Length));

    public void Dispose()
    {
        foreach (var peer in _peers)
        {
            peer.Dispose();
        }
    }

    private sealed class Lane : ILoadLane
    {
        private readonly NotificationFlood _flood;
        private readonly DomainKeySet _peer;
        private readonly byte[] _domain;
        private readonly XChaCha20Poly1305Key _key = new();
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly byte[] _datagram = new byte[NotificationLimits.MaxDatagramSize];
        private readonly byte[] _capability = new byte[32];

        public Lane(NotificationFlood flood, int peer)
        {
            _flood = flood;
            _peer = flood._peers[peer];
            _domain = Encoding.ASCII.GetBytes(_peer.Domain);
            _key.Set(flood._keys[peer]);
            flood._capabilityPrefix.CopyTo(_capability, 0);
            _socket.Bind(new IPEndPoint(new IPAddress(new byte[] { 127, 0, 1, (byte)(peer + 1) }), 0));
            _socket.Connect(flood._destination);
        }

        public ValueTask<LoadOutcome> SendAsync(long sequence, CancellationToken cancellationToken)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var writer = new DatagramWriter(_datagram, DatagramType.Notification, _peer.AgreementPublicKey, now);
            var recipients = _flood._recipients;
            for (var r = 0; r < _flood._records; r++)
            {
                BinaryPrimitives.WriteInt64BigEndian(_capability.AsSpan(16), sequence);
                BinaryPrimitives.WriteInt64BigEndian(_capability.AsSpan(24), r);
                var recipient = recipients[(int)(((sequence * _flood._records) + r) % recipients.Length)];
                var record = new NotificationRecord(new FetchCapability(_capability), recipient, now + 3_600_000, 1024, _flood._payloadHash, 1,
                    NotificationFlags.None, _domain, default, FetchHintList.Empty);
                if (!writer.TryAdd(record))
                {
                    break;
                }
            }

            var records = writer.Count;
            var length = writer.Seal(_key);
            _socket.Send(_datagram.AsSpan(0, length), SocketFlags.None);
            Interlocked.Add(ref _flood._bytes, length);
            Interlocked.Increment(ref _flood._datagrams);
            Interlocked.Add(ref _flood._recordsSent, records);
            return ValueTask.FromResult(LoadOutcome.Ok);
        }

        public ValueTask DisposeAsync()
        {
            _socket.Dispose();
            _key.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
