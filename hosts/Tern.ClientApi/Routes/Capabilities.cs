using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.ClientApi.Http;
using Tern.ClientApi.Wire;
using Tern.Node.Surfaces;

namespace Tern.ClientApi.Routes;

/// <summary>
/// <c>GET /v1/capabilities</c> (docs/C2S.md §13), unauthenticated, and the same document in every session answer. Each
/// feature named is one this node serves: a test checks each against the routes of the OpenAPI document.
/// </summary>
internal static class Capabilities
{
    /// <summary>The features and the routes that show each (tested: every route listed is served).</summary>
    public static readonly (string Feature, string Route)[] Features =
    [
        ("devices", "POST /v1/devices"),
        ("sessions", "POST /v1/sessions"),
        ("events", "GET /v1/events"),
        ("push-sse", "GET /v1/events/stream"),
        ("labels", "PATCH /v1/stored/{id}"),
        ("policy", "PUT /v1/policy"),
        ("reference-actions", "POST /v1/references/{capability}/actions"),
        ("msgpack", "GET /v1/events"),
        ("ranges", "GET /v1/stored/{id}"),
        ("batch-submit", "POST /v1/messages/batch"),
    ];

    public static void MapOpen(RouteGroupBuilder open) =>
        open.MapGet("/capabilities", (ClientApiContext api) => JsonAnswer.Of(Document(api))).WithName("GetCapabilities").WithTags("devices").Produces<CapabilityDocument>()
            .RunsInline();

    public static CapabilityDocument Document(ClientApiContext api)
    {
        var options = api.Options;
        var document = new CapabilityDocument
        {
            Api = ["v1"],
            Escrow = false,
            Limits = new CapabilityLimits
            {
                MaxMessageBytes = options.MaxMessageBytes,
                MaxRecipients = options.MaxRecipients,
                MaxBatchMessages = options.MaxBatchMessages,
                MaxBatchBytes = options.MaxBatchBytes,
                MaxHashesPerUser = options.MaxHashesPerUser,
                MaxTransitSeconds = (long)api.MaxTransit.TotalSeconds,
                MaxPollWaitSeconds = (int)options.MaxPollWait.TotalSeconds,
                MaxEventStreamsPerUser = options.MaxEventStreamsPerUser,
                SessionSeconds = (int)options.SessionLifetime.TotalSeconds,
            },
        };
        foreach (var (feature, _) in Features)
        {
            document.Features.Add(feature);
        }

        if (options.AllowPasswords)
        {
            document.Features.Add("passwords");
        }

        return document;
    }
}
