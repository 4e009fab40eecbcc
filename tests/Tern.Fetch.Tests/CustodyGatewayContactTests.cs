using System.Globalization;
using System.Text;
using Tern.Engine.Contacts;
using Tern.Engine.Protocol.Custody;

namespace Tern.Fetch.Tests;

/// <summary>
/// A gateway with a contact plan declines, before fetching, an offer whose bytes cannot reach the destination before the
/// requested expiry behind what it already holds for it (issue 17: the earliest-arrival check; docs/PROTOCOL.md §10.4 step 5).
/// </summary>
public sealed class CustodyGatewayContactTests
{
    [Fact]
    public async Task An_offer_that_cannot_arrive_within_the_planned_windows_is_declined_expiry_and_one_that_fits_is_taken()
    {
        await using var f = await CustodyFixture.StartAsync();

        // One window in 10 minutes, 30 s at 8 000 bit/s: 30 000 bytes before the offers' expiry, a day away.
        var opens = DateTimeOffset.UtcNow.AddMinutes(10);
        var plan = ContactPlanReader.Parse(Encoding.UTF8.GetBytes($$"""
            { "contacts": [ { "contact": "g-b", "source": "{{CustodyFixture.GatewayDomain}}", "destination": "{{CustodyFixture.RecipientDomain}}",
              "start": "{{Iso(opens)}}", "end": "{{Iso(opens.AddSeconds(30))}}", "rateBitsPerSecond": 8000, "oneWayLightTimeSeconds": 1.5 } ] }
            """));
        f.Gateway.Contacts = new ContactWindows(CustodyFixture.GatewayDomain, plan);

        // 10 000 bytes to two recipients: 20 000 bytes on the link, which fit.
        var first = await f.Gateway.OfferAsync(f.Offer(await f.SubmitAsync(FetchFixture.Bytes(10_000, 40), recipients: 2)).Bytes);
        Assert.Equal(CustodyAnswerStatus.Accepted, first.Status);
        var created = f.Sources.Created;

        // 20 000 more behind those 20 000 do not: declined expiry, nothing fetched.
        var second = await f.Gateway.OfferAsync(f.Offer(await f.SubmitAsync(FetchFixture.Bytes(10_000, 41), recipients: 2)).Bytes);
        Assert.Equal((CustodyAnswerStatus.Declined, CustodyDeclineReason.Expiry), (second.Status, second.Reason));
        Assert.Contains("contact plan", second.Detail, StringComparison.Ordinal);
        Assert.Equal(created, f.Sources.Created);
        Assert.Equal(1, f.Gateway.Counters.DeclinedFor(CustodyDeclineReason.Expiry));

        // 10 000 fill the window exactly: taken.
        var third = await f.Gateway.OfferAsync(f.Offer(await f.SubmitAsync(FetchFixture.Bytes(5_000, 42), recipients: 2)).Bytes);
        Assert.Equal(CustodyAnswerStatus.Accepted, third.Status);
    }

    private static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
