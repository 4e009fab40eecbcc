using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Events;
using Tern.ClientApi.Http;
using Tern.ClientApi.Labels;
using Tern.ClientApi.Wire;

namespace Tern.ClientApi.Routes;

/// <summary>
/// Labels of stored messages (docs/C2S.md §8): <c>PATCH /v1/stored/{id}</c> adds, removes and marks read;
/// <c>GET /v1/labels</c> counts; <c>DELETE /v1/labels/{label}</c> removes one everywhere. Each change is a
/// <c>labels_changed</c> event, durable before the answer, so another device reading the log after it sees it.
/// </summary>
internal static class LabelRoutes
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPatch("/stored/{id}", PatchAsync).WithName("LabelStored").WithTags("labels")
            .Accepts<LabelRequest>("application/json")
            .Produces<StoredItem>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/labels", List).WithName("ListLabels").WithTags("labels")
            .Produces<LabelList>(StatusCodes.Status200OK, "application/json", Http.Wire.MessagePackType);
        group.MapDelete("/labels/{label}", DeleteAsync).WithName("DeleteLabel").WithTags("labels")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> PatchAsync(HttpContext http, ClientApiContext api, string id)
    {
        if (StoredRoutes.Find(http, api, id, out _, out _) is { } problem)
        {
            return problem;
        }

        var (document, bad) = await JsonBody.ReadAsync(http.Request).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        List<string> add;
        List<string> remove;
        bool? read = null;
        using (document)
        {
            var body = document!.RootElement;
            if (JsonBody.Unknown(body, "add", "remove", "read") is { } unknown)
            {
                return Problems.Field(unknown, $"'{unknown}' is not a member of a label change (add, remove, read)");
            }

            if (ReadLabels(body, "add", out add) is { } addProblem)
            {
                return addProblem;
            }

            if (ReadLabels(body, "remove", out remove) is { } removeProblem)
            {
                return removeProblem;
            }

            if (body.TryGetProperty("read", out var readValue) && readValue.ValueKind != JsonValueKind.Null)
            {
                if (readValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return Problems.Field("read", "'read' is true or false");
                }

                read = readValue.GetBoolean();
            }
        }

        var user = CurrentUser.Get(http).Name;
        switch (api.Labels.Change(user, id, add, remove, read, out var after))
        {
            case LabelChange.NotFound:
                return Problems.NotFound("id", "no stored message of yours has this id");
            case LabelChange.TooManyOnMessage:
                return Problems.Field("add", $"a message carries at most {LabelRules.MaxPerMessage} labels", LabelRules.MaxPerMessage, StatusCodes.Status409Conflict, "limit");
            case LabelChange.TooManyForUser:
                return Problems.Field("add", $"you have {LabelRules.MaxPerUser} labels, the most allowed", LabelRules.MaxPerUser, StatusCodes.Status409Conflict, "limit");
            case LabelChange.Changed:
                await api.Events.AppendAsync(user, UserEvents.MessageLabelled(id, after!.Labels, after.Read), http.RequestAborted).ConfigureAwait(false);
                break;
        }

        return JsonAnswer.Of(StoredRoutes.ToItem(after!));
    }

    private static IResult? ReadLabels(JsonElement body, string name, out List<string> labels)
    {
        labels = [];
        if (!body.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > LabelRules.MaxPerMessage)
        {
            return Problems.Field(name, $"'{name}' is an array of at most {LabelRules.MaxPerMessage} labels", LabelRules.MaxPerMessage);
        }

        foreach (var item in array.EnumerateArray())
        {
            var label = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (!LabelRules.IsValid(label))
            {
                return Problems.Field(name, $"a label is 1–{LabelRules.MaxBytes} bytes of UTF-8 without control characters or '/' at either end", LabelRules.MaxBytes);
            }

            labels.Add(label!);
        }

        return null;
    }

    private static IResult List(HttpContext http, ClientApiContext api)
    {
        var list = new LabelList();
        foreach (var (label, count) in api.Labels.Counts(CurrentUser.Get(http).Name))
        {
            list.Labels.Add(new LabelCount { Label = label, Count = count });
        }

        return Http.Wire.Bulk(http.Request, list);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, ClientApiContext api, string label)
    {
        if (!LabelRules.IsValid(label))
        {
            return Problems.Field("label", $"a label is 1–{LabelRules.MaxBytes} bytes of UTF-8 without control characters or '/' at either end", LabelRules.MaxBytes);
        }

        var user = CurrentUser.Get(http).Name;
        var changed = api.Labels.RemoveEverywhere(user, label);
        if (changed.Count == 0)
        {
            return Problems.NotFound("label", "no message of yours carries this label");
        }

        for (var i = 0; i < changed.Count - 1; i++)
        {
            api.Events.Append(user, UserEvents.MessageLabelled(changed[i].Id, changed[i].Labels, changed[i].Read));
        }

        // The last one durable means all are: the log commits in order. (Waiting for the log to move past its last
        // readable sequence instead hung whenever the writer had committed them all before the wait began.)
        var last = changed[^1];
        await api.Events.AppendAsync(user, UserEvents.MessageLabelled(last.Id, last.Labels, last.Read)).ConfigureAwait(false);
        return Results.NoContent();
    }
}
