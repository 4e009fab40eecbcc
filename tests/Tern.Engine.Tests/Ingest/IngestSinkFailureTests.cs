using Tern.Engine.Ingest;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Ingest;

/// <summary>
/// A sink that throws for one datagram of a staged batch costs that datagram only: the flush delivers the others, empties
/// the stage, counts the failure and only then rethrows, for the receive loop to count and log.
/// </summary>
public sealed class IngestSinkFailureTests : IDisposable
{
    private const long Now = NotificationFixture.Now;
    private readonly NotificationFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void A_throwing_datagram_in_a_batch_costs_that_datagram_only()
    {
        var sink = new ThrowingSink();
        var ingest = new NotificationIngest(_f.Receiver, sink, sink, new IngestOptions());
        var capabilities = Enumerable.Range(0, 5).Select(_ => FetchCapability.NewRandom()).ToList();
        sink.Poisoned.TryAdd(capabilities[1], 0);
        sink.Poisoned.TryAdd(capabilities[3], 0);
        foreach (var capability in capabilities)
        {
            Assert.Equal(DropReason.None, ingest.Stage(Datagram(capability), 1, Now));
        }

        var error = Assert.Throws<InvalidOperationException>(() => ingest.Flush(Now));

        Assert.Equal("the pending table failed", error.Message);
        Assert.Equal([capabilities[0], capabilities[2], capabilities[4]], sink.Accepted);
        Assert.Equal(2, ingest.Counters.DeliveryFailures);
        Assert.Equal(3, ingest.Counters.RecordsAccepted);

        // The stage is empty: the next flush delivers nothing twice, and the next batch goes through.
        ingest.Flush(Now);
        var later = FetchCapability.NewRandom();
        Assert.Equal(DropReason.None, ingest.Process(Datagram(later), 1, Now));
        Assert.Equal([capabilities[0], capabilities[2], capabilities[4], later], sink.Accepted);
    }

    private byte[] Datagram(FetchCapability capability)
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, _f.Sender.AgreementPublicKey, Now);
        Assert.True(writer.TryAdd(new NotificationRecord(capability, RecipientHash.NewRandom(), Now + 60_000, 10, Bytes32.Random(), 1, NotificationFlags.None, "a.example"u8, default, default)));
        return buffer[..writer.Seal(_f.SendKey)];
    }
}
