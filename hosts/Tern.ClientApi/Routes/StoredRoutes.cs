using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Routes;

/// <summary>The messages this node pulled for the user: list, read (streamed, ranges), delete (docs/CLIENT-API.md, "Stored messages").</summary>
internal static class StoredRoutes
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/stored", List).WithName("ListStored").WithTags("stored")
            .Produces<StoredList>(StatusCodes.Status200OK, "application/json", Http.Wire.MessagePackType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/stored/{id}", Read).WithName("ReadStored").WithTags("stored")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/stored/{id}", Delete).WithName("DeleteStored").WithTags("stored")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult List(HttpContext http, ClientApiContext api, [FromQuery(Name = "hash")] string? hash)
    {
        var user = CurrentUser.Get(http);
        RecipientHash[] hashes;
        if (hash is null)
        {
            hashes = api.Users.HashesOf(user);
        }
        else if (!RecipientHash.TryParse(hash, out var one))
        {
            return Problems.Field("hash", "the recipient hash is 43 characters of base64url (32 bytes)", 43);
        }
        else if (!api.Users.Owns(user, one))
        {
            return Problems.NotFound("hash", "this recipient hash is not one you registered");
        }
        else
        {
            hashes = [one];
        }

        var list = new StoredList();
        foreach (var message in hashes.SelectMany(api.Node.Messages.List).OrderBy(m => m.StoredAtMs))
        {
            list.Messages.Add(new StoredItem
            {
                Id = message.Capability.ToString(),
                Hash = message.RecipientHash.ToString(),
                SenderDomain = message.SenderDomain,
                Size = message.Size,
                PayloadHash = message.PayloadHash.ToString(),
                MimeHint = message.MimeHint,
                Stored = Http.Wire.Time(message.StoredAtMs),
            });
        }

        return Http.Wire.Bulk(http.Request, list);
    }

    private static IResult Read(HttpContext http, ClientApiContext api, string id)
    {
        if (Find(http, api, id, out var hash, out var capability) is { } problem)
        {
            return problem;
        }

        FileStream file;
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
        return Results.Stream(file, "application/octet-stream", enableRangeProcessing: true);
    }

    private static IResult Delete(HttpContext http, ClientApiContext api, string id) =>
        Find(http, api, id, out var hash, out var capability) is { } problem ? problem
        : api.Node.Messages.Delete(hash, capability) ? Results.NoContent()
        : Problems.NotFound("id", "no stored message of yours has this id");

    /// <summary>Which of the user's hashes holds the message <paramref name="id"/>, or the problem to answer.</summary>
    private static IResult? Find(HttpContext http, ClientApiContext api, string id, out RecipientHash hash, out FetchCapability capability)
    {
        hash = default;
        if (!FetchCapability.TryParse(id, out capability))
        {
            return Problems.Field("id", "a stored message's id is 43 characters of base64url (32 bytes)", 43);
        }

        foreach (var candidate in api.Users.HashesOf(CurrentUser.Get(http)))
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
