using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Http;
using Tern.Admin.Wire;
using Tern.Engine.Protocol;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>GET /transit</c> and <c>GET /pending</c>, <c>/pending/{recipientHash}</c>: what the stores hold, paged, metadata only —
/// never payload bytes, and no capability (each one is the credential that fetches its blob).
/// </summary>
internal static class InspectionRoutes
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/transit", Transit).WithName("Transit").WithTags("inspection").Produces<TransitPage>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/pending", Pending).WithName("Pending").WithTags("inspection").Produces<PendingSummary>();
        group.MapGet("/pending/{recipientHash}", PendingOf).WithName("PendingOfRecipient").WithTags("inspection").Produces<PendingPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    /// <summary>Blobs in message id order after <c>after</c> (a message id; absent: from the first), at most <c>limit</c>.</summary>
    private static IResult Transit(AdminContext admin, string? after, string? limit)
    {
        if (Page.TryLimit(limit, admin.Options.DefaultPageLimit, out var count) is { } bad)
        {
            return bad;
        }

        if (after is { Length: > 0 } && !MessageId.TryParse(after, out _))
        {
            return AdminProblems.Field("after", "after must be a message id (43 characters of base64url), the 'next' of the previous page");
        }

        var page = admin.Node.Store.ListMessages(after ?? "", count);
        var items = page.Select(m => new TransitItem(m.MessageId.ToString(), m.Account, m.Size, m.SubmittedAt, m.TransitExpiry, m.MimeHint,
            [.. m.Deliveries.Select(d => new TransitDelivery(d.Domain, d.State.ToString(), d.Attempt))])).ToList();
        return Results.Json(new TransitPage(items, items.Count == count ? items[^1].MessageId : null));
    }

    private static IResult Pending(AdminContext admin) =>
        Results.Json(new PendingSummary(admin.Node.Pending.Count, [.. admin.Node.Pending.ListSenderDomainCounts().Select(p => new SenderReferences(p.SenderDomain, p.References))]));

    /// <summary>One recipient hash's references in sequence order after <c>after</c> (a sequence; absent: from the first).</summary>
    private static IResult PendingOf(AdminContext admin, string recipientHash, string? after, string? limit)
    {
        if (!RecipientHash.TryParse(recipientHash, out var hash))
        {
            return AdminProblems.Field("recipientHash", "the recipient hash must be 43 characters of base64url (32 bytes)");
        }

        if (Page.TryLimit(limit, admin.Options.DefaultPageLimit, out var count) is { } bad)
        {
            return bad;
        }

        var cursor = 0UL;
        if (after is not null && !ulong.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
        {
            return AdminProblems.Field("after", "after must be a sequence number, the 'next' of the previous page");
        }

        var result = admin.Node.Pending.Poll(hash, cursor, count);
        var items = result.References.Select(r => new PendingItem((long)r.Sequence, r.SenderDomain, r.PayloadSize, DateTimeOffset.FromUnixTimeMilliseconds(r.TransitExpiryMs),
            DateTimeOffset.FromUnixTimeMilliseconds(r.ReceivedAtMs), r.Attempt, r.MimeHint)).ToList();
        return Results.Json(new PendingPage(hash.ToString(), items, result.HasMore ? (long)result.NextCursor : null));
    }
}
