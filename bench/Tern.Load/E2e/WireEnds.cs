using System.Diagnostics;
using System.Text.Json;

namespace Tern.Load.E2e;

/// <summary>
/// alice's and bob's clients on <see cref="WireConnection"/>s (the end-to-end benchmark's default): alice's submit, bob's
/// event stream (or, with <c>E2E_BOB=poll</c>, his listing), his read and his delete, each blocking on the load tool's
/// thread, as the floor's ends are.
/// </summary>
internal sealed class WireEnds : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);
    private readonly WireConnection _alice;
    private readonly WireConnection _bob;
    private readonly WireEvents? _events;

    public WireEnds(string aliceEndpoint, string aliceToken, string bobEndpoint, string bobToken, bool stream, TimeSpan timeout)
    {
        _alice = new WireConnection(aliceEndpoint, aliceToken, timeout);
        _bob = new WireConnection(bobEndpoint, bobToken, timeout);
        _events = stream ? new WireEvents(bobEndpoint, bobToken, timeout) : null;
    }

    /// <summary>
    /// alice submits <paramref name="content"/> to <paramref name="hash"/>; bob learns it is stored (told by his stream, or
    /// listing until it is there), reads it when told (or when <paramref name="check"/> asks) and deletes it.
    /// <paramref name="measured"/> gets the start, alice's answer and the moment bob has it.
    /// </summary>
    public void SendOne(string hash, byte[] content, long sequence, TimeSpan timeout, bool check, Action<long, long, long>? measured)
    {
        var start = Stopwatch.GetTimestamp();
        _alice.Send("POST", $"/v1/messages?to={hash}@b.example", content);
        var (status, answer) = _alice.Receive();
        Check(status == 201, $"message {sequence}: the submit answered {status}");
        string payloadHash;
        using (var json = JsonDocument.Parse(answer))
        {
            payloadHash = json.RootElement.GetProperty("payloadHash").GetString()!;
        }

        var submitted = Stopwatch.GetTimestamp();
        string id;
        if (_events is not null)
        {
            // Told by the stream, then the read: the clock stops once bob has the bytes.
            id = _events.NextPulled();
            var read = Read(id, sequence);
            measured?.Invoke(start, submitted, Stopwatch.GetTimestamp());
            Check(read.AsSpan().SequenceEqual(content), $"message {sequence}: bob read other bytes than alice sent");
        }
        else
        {
            id = Poll(hash, payloadHash, start, timeout, sequence);
            measured?.Invoke(start, submitted, Stopwatch.GetTimestamp());
            if (check)
            {
                Check(Read(id, sequence).AsSpan().SequenceEqual(content), $"message {sequence}: bob read other bytes than alice sent");
            }
        }

        _bob.Send("DELETE", $"/v1/stored/{id}");
        var deleted = _bob.Receive().Status;
        Check(deleted is 204 or 200, $"message {sequence}: the delete answered {deleted}");
    }

    public void Dispose()
    {
        _events?.Dispose();
        _bob.Dispose();
        _alice.Dispose();
    }

    private byte[] Read(string id, long sequence)
    {
        _bob.Send("GET", $"/v1/stored/{id}");
        var (status, body) = _bob.Receive();
        Check(status == 200, $"message {sequence}: the read answered {status}");
        return body;
    }

    /// <summary>bob lists his stored messages every <see cref="PollInterval"/> until one has the payload hash.</summary>
    private string Poll(string hash, string payloadHash, long start, TimeSpan timeout, long sequence)
    {
        while (true)
        {
            _bob.Send("GET", $"/v1/stored?hash={hash}");
            var (status, body) = _bob.Receive();
            Check(status == 200, $"message {sequence}: the listing answered {status}");
            using (var json = JsonDocument.Parse(body))
            {
                foreach (var message in json.RootElement.GetProperty("messages").EnumerateArray())
                {
                    if (message.GetProperty("payloadHash").GetString() == payloadHash)
                    {
                        return message.GetProperty("id").GetString()!;
                    }
                }
            }

            Check(Stopwatch.GetElapsedTime(start) <= timeout, $"message {sequence} not stored for bob within {timeout}");
            Thread.Sleep(PollInterval);
        }
    }

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"e2e-nodes: {failure}");
        }
    }
}
