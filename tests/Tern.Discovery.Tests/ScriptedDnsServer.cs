using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tern.Discovery.Tests;

/// <summary>
/// A tiny UDP name server on loopback that answers every query the same scripted way, for what dnsmasq will not serve
/// from a zone of its own: SERVFAIL, a CNAME loop (dnsmasq refuses one in its configuration), an NXDOMAIN whose SOA has a
/// TTL and a MINIMUM that differ. The tests put it behind dnsmasq (<c>server=/zone/127.0.0.1#port</c>), which relays its
/// answers as a resolver relays an upstream's.
/// </summary>
public sealed class ScriptedDnsServer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Thread _thread;
    private readonly Answer _answer;
    private readonly uint _soaTtl;
    private readonly uint _soaMinimum;
    private int _queries;

    public ScriptedDnsServer(Answer answer, uint soaTtl = 0, uint soaMinimum = 0)
    {
        _answer = answer;
        _soaTtl = soaTtl;
        _soaMinimum = soaMinimum;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _thread = new Thread(Run) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>What the server answers to every query.</summary>
    public enum Answer
    {
        /// <summary>RCODE 2.</summary>
        ServerFailure,

        /// <summary>NOERROR with two CNAMEs: the name asked → <c>loop.</c> + it → the name asked.</summary>
        CnameLoop,

        /// <summary>NXDOMAIN with a SOA record of the zone in the authority section.</summary>
        NxDomainWithSoa,
    }

    public IPEndPoint EndPoint { get; }

    public int Queries => Volatile.Read(ref _queries);

    /// <summary>The dnsmasq line that forwards <paramref name="zone"/> to this server.</summary>
    public string ForwardLine(string zone) => $"server=/{zone}/127.0.0.1#{EndPoint.Port}";

    public void Dispose()
    {
        _socket.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    private void Run()
    {
        var buffer = new byte[512];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                var length = _socket.ReceiveFrom(buffer, ref from);
                Interlocked.Increment(ref _queries);
                if (Reply(buffer.AsSpan(0, length)) is { } reply)
                {
                    _socket.SendTo(reply, from);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed.
        }
    }

    private byte[]? Reply(ReadOnlySpan<byte> query)
    {
        // Header (12 bytes), then one question: the name as labels, type and class (4 bytes).
        var end = 12;
        var labels = new List<string>();
        while (end < query.Length && query[end] != 0)
        {
            if (end + 1 + query[end] > query.Length)
            {
                return null;
            }

            labels.Add(Encoding.ASCII.GetString(query.Slice(end + 1, query[end])));
            end += 1 + query[end];
        }

        end += 5;
        if (end > query.Length)
        {
            return null;
        }

        var name = string.Join('.', labels);
        var reply = new List<byte>(query[..end].ToArray());
        reply[2] = 0x81; // QR, RD
        reply[3] = 0x80; // RA, RCODE 0
        SetCounts(reply, answers: 0, authorities: 0);
        switch (_answer)
        {
            case Answer.ServerFailure:
                reply[3] = 0x82;
                break;

            case Answer.CnameLoop:
                var other = "loop." + name;
                Record(reply, name, type: 5, ttl: 30, Name(other));
                Record(reply, other, type: 5, ttl: 30, Name(name));
                SetCounts(reply, answers: 2, authorities: 0);
                break;

            case Answer.NxDomainWithSoa:
                reply[3] = 0x83;
                var zone = string.Join('.', labels.TakeLast(2));
                var soa = new List<byte>(Name("ns." + zone));
                soa.AddRange(Name("hostmaster." + zone));
                foreach (var value in new uint[] { 1, 3600, 600, 86400, _soaMinimum })
                {
                    soa.AddRange(BigEndian(value));
                }

                Record(reply, zone, type: 6, ttl: _soaTtl, [.. soa]);
                SetCounts(reply, answers: 0, authorities: 1);
                break;
        }

        return [.. reply];
    }

    private static void SetCounts(List<byte> reply, ushort answers, ushort authorities)
    {
        reply[6] = (byte)(answers >> 8);
        reply[7] = (byte)answers;
        reply[8] = (byte)(authorities >> 8);
        reply[9] = (byte)authorities;
        reply[10] = 0;
        reply[11] = 0;
    }

    private static void Record(List<byte> reply, string owner, ushort type, uint ttl, byte[] data)
    {
        reply.AddRange(Name(owner));
        reply.Add((byte)(type >> 8));
        reply.Add((byte)type);
        reply.Add(0);
        reply.Add(1);
        reply.AddRange(BigEndian(ttl));
        reply.Add((byte)(data.Length >> 8));
        reply.Add((byte)data.Length);
        reply.AddRange(data);
    }

    private static byte[] Name(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
