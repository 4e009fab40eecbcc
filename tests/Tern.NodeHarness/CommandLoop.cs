using System.Globalization;
using System.Net;
using System.Text;
using Tern.Engine.Notify;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Transit;

namespace Tern.NodeHarness;

/// <summary>
/// Reads one command per line from stdin and answers one line on stdout (see Program.cs for the commands). A command
/// that fails answers <c>ERROR message</c>; the node keeps running.
/// </summary>
internal sealed class CommandLoop(Node node, TextReader input, TextWriter output)
{
    public async Task RunAsync()
    {
        while (await input.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            if (parts[0] == "QUIT")
            {
                await ReplyAsync("BYE");
                return;
            }

            string reply;
            try
            {
                reply = await ExecuteAsync(parts);
            }
#pragma warning disable CA1031 // The harness reports any failure to the test and keeps serving.
            catch (Exception e)
#pragma warning restore CA1031
            {
                reply = "ERROR " + e.GetType().Name + ": " + e.Message.ReplaceLineEndings(" ");
            }

            await ReplyAsync(reply);
        }
    }

    private async Task ReplyAsync(string line)
    {
        await output.WriteLineAsync(line);
        await output.FlushAsync();
    }

    private async Task<string> ExecuteAsync(string[] parts)
    {
        switch (parts[0])
        {
            case "PEER" when parts.Length == 4:
                node.Resolver.Set(new NotificationPeer(parts[1], Bytes32.Parse(parts[2]), new IPEndPoint(IPAddress.Loopback, Int(parts[3]))));
                return "OK";
            case "SUBMIT" when parts.Length is 2 or 3:
                return await SubmitAsync(parts[1], parts.Length == 3 ? new RecipientHash(Bytes32.Parse(parts[2])) : RecipientHash.NewRandom());
            case "FETCHED" when parts.Length == 2:
                return "OK " + (await node.Store.MarkFetchedAsync(Capability(parts[1]))).ToString(CultureInfo.InvariantCulture);
            case "RETRACT" when parts.Length == 2:
                var retraction = await node.Store.RetractAsync(MessageId.TryParse(parts[1], out var id) ? id : throw new FormatException($"'{parts[1]}' is not a message id"), "harness");
                node.Scheduler.ScheduleRetraction(retraction);
                return $"RETRACTED {retraction.Retracted.Count} {retraction.AlreadyFetched.Count}";
            case "DELIVERY" when parts.Length == 2:
                return node.Store.GetDelivery(Capability(parts[1])) is { } d ? $"DELIVERY {d.State} {d.Attempt}" : "DELIVERY none";
            case "CHECKPOINT" when parts.Length == 1:
                await node.Store.CheckpointAsync();
                return "OK";
            case "POLL" when parts.Length == 2:
                return Poll(new RecipientHash(Bytes32.Parse(parts[1])));
            case "STATS" when parts.Length == 1:
                return Stats();
            default:
                return "ERROR unknown command or wrong arguments: " + string.Join(' ', parts);
        }
    }

    private async Task<string> SubmitAsync(string domain, RecipientHash hash)
    {
        var request = new SubmissionRequest
        {
            Account = "harness",
            Recipients = [new TransitRecipient(domain, hash)],
            TransitExpiry = DateTimeOffset.UtcNow.AddDays(1),
            MimeHint = "message/tern",
        };
        var content = new byte[64];
        Random.Shared.NextBytes(content);
        var result = await node.Store.SubmitAsync(request, new MemoryStream(content));
        node.Scheduler.Schedule(result);
        return $"SUBMITTED {result.MessageId} {result.Capabilities[0]} {hash.Value}";
    }

    private string Poll(RecipientHash hash)
    {
        var result = node.Pending.Poll(hash, 0, 1000);
        var reply = new StringBuilder("REFS");
        foreach (var reference in result.References)
        {
            reply.Append(' ').Append(reference.Capability).Append(':').Append(reference.Attempt.ToString(CultureInfo.InvariantCulture));
        }

        return reply.ToString();
    }

    private string Stats()
    {
        var counters = node.Listener.Counters;
        var sent = node.Scheduler.Counters;
        var reply = new StringBuilder("STATS");
        Append(reply, "received", node.Listener.DatagramsReceived);
        Append(reply, "accepted.datagrams", counters.DatagramsAccepted);
        Append(reply, "accepted.records", counters.RecordsAccepted);
        Append(reply, "retractions.applied", counters.RetractionsApplied);
        Append(reply, "retractions.unmatched", counters.RetractionsUnmatched);
        Append(reply, "drops", counters.TotalDrops);
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            if (reason != DropReason.None)
            {
                Append(reply, "drop." + reason, counters.Drops(reason));
            }
        }

        Append(reply, "sink.inserted", node.Sink.Inserted);
        Append(reply, "sink.duplicates", node.Sink.Duplicates);
        Append(reply, "sink.retracted", node.Sink.Retracted);
        Append(reply, "pending.count", node.Pending.Count);
        Append(reply, "sent.datagrams", sent.DatagramsSent);
        Append(reply, "sent.records", sent.RecordsSent);
        Append(reply, "sent.retransmissions", sent.Retransmissions);
        Append(reply, "sent.retraction_records", sent.RetractionRecordsSent);
        foreach (var reason in Enum.GetValues<StopReason>())
        {
            Append(reply, "stopped." + reason, sent.Stopped(reason));
        }

        Append(reply, "udp.sent", node.Transport.Sent);
        Append(reply, "udp.failed", node.Transport.Failed);
        return reply.ToString();
    }

    private static void Append(StringBuilder reply, string name, long value)
        => reply.Append(' ').Append(name).Append('=').Append(value.ToString(CultureInfo.InvariantCulture));

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static FetchCapability Capability(string text)
        => FetchCapability.TryParse(text, out var capability) ? capability : throw new FormatException($"'{text}' is not a capability");
}
