using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Labels;
using Tern.ClientApi.Wire;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;
using Tern.Node.Surfaces;

namespace Tern.ClientApi.Routes;

/// <summary>The messages this node pulled for the user: list, read (streamed, ranges), delete (docs/CLIENT-API.md, "Stored messages").</summary>
internal static class StoredRoutes
{
    /// <summary>Most messages one page of <c>GET /v1/stored</c> lists, and the default.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Largest message a read answers from one read of its file rather than streamed (see <see cref="ReadAsync"/>).</summary>
    public const int WholeReadMaxBytes = 64 * 1024;

    /// <summary>Most hashes a read looks through on the socket thread (one path lookup each); beyond, on the thread pool.</summary>
    public const int InlineLookupMaxHashes = 16;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/stored", List).WithName("ListStored").WithTags("stored")
            .Produces<StoredList>(StatusCodes.Status200OK, "application/json", Http.Wire.MessagePackType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/stored/{id}", ReadAsync).WithName("ReadStored").WithTags("stored").RunsInline()
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/stored/{id}", DeleteAsync).WithName("DeleteStored").WithTags("stored")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult List(
        HttpContext http,
        ClientApiContext api,
        [FromQuery(Name = "hash")] string? hash,
        [FromQuery(Name = "label")] string? label,
        [FromQuery(Name = "after")] string? after,
        [FromQuery(Name = "limit")] string? limit)
    {
        var user = CurrentUser.Get(http);
        if (label is not null && !LabelRules.IsValid(label))
        {
            return Problems.Field("label", $"a label is 1–{LabelRules.MaxBytes} bytes of UTF-8 without control characters or '/' at either end", LabelRules.MaxBytes);
        }

        if (!Fields.TryCursor(after, out var cursor))
        {
            return Problems.Field("after", "the cursor is a whole number from 0 to 18446744073709551615, as the last page's 'next' gave it");
        }

        if (!Fields.TryInt(limit, 1, MaxLimit, MaxLimit, out var count))
        {
            return Problems.Field("limit", $"the limit is a whole number from 1 to {MaxLimit}", MaxLimit);
        }

        RecipientHash? only = null;
        if (hash is not null)
        {
            if (!RecipientHash.TryParse(hash, out var one))
            {
                return Problems.Field("hash", "the recipient hash is 43 characters of base64url (32 bytes)", 43);
            }

            if (!api.Users.Owns(user, one))
            {
                return Problems.NotFound("hash", "this recipient hash is not one you registered");
            }

            only = one;
        }

        // The user's label index lists in the order stored from the cursor, without reading the message store; a
        // hash filter walks the same order.
        var list = new StoredList();
        var next = cursor;
        var more = true;
        var onlyText = only?.ToString();
        while (more && list.Messages.Count < count)
        {
            var (page, pageNext, pageMore) = api.Labels.List(user.Name, label, next, count - list.Messages.Count);
            foreach (var entry in page)
            {
                if (onlyText is null || entry.Hash == onlyText)
                {
                    list.Messages.Add(ToItem(entry));
                }
            }

            // A page that did not move the cursor stopped at a message still committing: the client asks again later.
            var moved = pageNext != next;
            (next, more) = (pageNext, pageMore);
            if (onlyText is null || !moved)
            {
                break;
            }
        }

        list.Next = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        list.More = more;
        return Http.Wire.Bulk(http.Request, list);
    }

    internal static StoredItem ToItem(LabelEntry entry) => new()
    {
        Id = entry.Id,
        Hash = entry.Hash,
        SenderDomain = entry.SenderDomain,
        Size = entry.Size,
        PayloadHash = entry.PayloadHash,
        MimeHint = entry.MimeHint,
        Stored = Http.Wire.Time(entry.StoredMs),
        Labels = entry.Labels,
        Read = entry.Read,
    };

    private static async Task<IResult> ReadAsync(HttpContext http, ClientApiContext api, string id)
    {
        // The route runs inline (on the socket thread that read the request): every look below is a path lookup the
        // kernel's caches answer, unless the user has many hashes to look through.
        var hashes = api.Users.HashesOf(CurrentUser.Get(http));
        if (hashes.Length > InlineLookupMaxHashes)
        {
            await ThreadPoolHop.ToPoolAsync();
        }

        if (Find(hashes, api, id, out var hash, out var capability) is { } problem)
        {
            return problem;
        }

        Stream file;
        try
        {
            file = api.Node.Messages.OpenRead(hash, capability);
        }
        catch (FileNotFoundException)
        {
            return Problems.NotFound("id", "no stored message of yours has this id");
        }

        // The sender's MIME hint is a claim, not a fact: served as bytes, never for a browser to interpret.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (file is MemoryStream held && held.TryGetBuffer(out var bytesHeld))
        {
            // Still in memory (pulled a moment ago, not yet named): answered from the store's own bytes, no copy.
            return Results.Bytes(bytesHeld.AsMemory(), "application/octet-stream", enableRangeProcessing: true);
        }

        if (file.Length <= WholeReadMaxBytes)
        {
            // Read in one call and answered with its length: streamed, each read of the file would be a hop to a pool
            // thread and back (.NET reads files asynchronously by queuing the read to the pool on Linux), two for a
            // message of a few KiB, on the path of every client that reads what it was just told of. A file just written
            // is in the page cache and read here; one the cache does not hold is read on the pool, where a read may wait.
            var bytes = new byte[file.Length];
            using (file)
            {
                if (file is not FileStream onDisk || !PageCacheRead.TryRead(onDisk.SafeFileHandle, bytes, default, 0))
                {
                    await ThreadPoolHop.ToPoolAsync();
                    file.ReadExactly(bytes);
                }
            }

            return Results.Bytes(bytes, "application/octet-stream", enableRangeProcessing: true);
        }

        // Streamed: the stream's reads are queued to the thread pool, so none waits here.
        return Results.Stream(file, "application/octet-stream", enableRangeProcessing: true);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, ClientApiContext api, string id)
    {
        if (Find(http, api, id, out var hash, out var capability) is { } problem)
        {
            return problem;
        }

        if (!api.Node.Messages.Delete(hash, capability))
        {
            return Problems.NotFound("id", "no stored message of yours has this id");
        }

        var user = CurrentUser.Get(http).Name;
        api.Labels.Deleted(user, id);
        await api.Events.AppendAsync(user, UserEvents.MessageDeleted(id), http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    /// <summary>Which of the user's hashes holds the message <paramref name="id"/>, or the problem to answer.</summary>
    internal static IResult? Find(HttpContext http, ClientApiContext api, string id, out RecipientHash hash, out FetchCapability capability) =>
        Find(api.Users.HashesOf(CurrentUser.Get(http)), api, id, out hash, out capability);

    private static IResult? Find(RecipientHash[] hashes, ClientApiContext api, string id, out RecipientHash hash, out FetchCapability capability)
    {
        hash = default;
        if (!FetchCapability.TryParse(id, out capability))
        {
            return Problems.Field("id", "a stored message's id is 43 characters of base64url (32 bytes)", 43);
        }

        foreach (var candidate in hashes)
        {
            if (api.Node.Messages.Contains(candidate, capability))
            {
                hash = candidate;
                return null;
            }
        }

        return Problems.NotFound("id", "no stored message of yours has this id");
    }
}
