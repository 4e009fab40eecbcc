using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Http;
using Tern.Admin.Wire;
using Tern.Engine.Contacts;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>GET /contacts</c>: a gateway's contact plan and, per contact, bytes held, bytes near expiry, receipts outstanding and
/// planned against actual link use. <c>PUT /contacts</c>: a new plan, validated whole before it is written to the plan
/// file and swapped in without a restart; a plan refused is a problem naming contact, field and rule, and the old plan
/// stays (docs/OPERATIONS.md, "Contact plans").
/// </summary>
internal static class ContactRoutes
{
    private static readonly Lock Replacing = new();

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/contacts", Get).WithName("Contacts").WithTags("contacts").Produces<ContactsReport>().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/contacts", PutAsync).WithName("ReplaceContacts").WithTags("contacts").Accepts<ContactPlanDocument>("application/json").Produces<ContactsReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    private static IResult Get(AdminContext admin) =>
        admin.Node.Contacts is { } windows ? Results.Json(Report(admin, windows)) : NotAGateway();

    private static async Task<IResult> PutAsync(AdminContext admin, HttpRequest request, CancellationToken cancellationToken)
    {
        if (admin.Node.Contacts is not { } windows)
        {
            return NotAGateway();
        }

        // A plan may be larger than the admin surface's 64 KiB bodies.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = ContactPlanReader.MaxDocumentBytes;
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return AdminProblems.Field("body", $"a contact plan is at most {ContactPlanReader.MaxDocumentBytes} bytes", StatusCodes.Status413PayloadTooLarge, "too-large");
        }

        ContactPlan plan;
        try
        {
            plan = ContactPlanReader.Parse(body);
        }
        catch (ContactPlanException e)
        {
            return Refused(e);
        }

        lock (Replacing)
        {
            // Written before it is swapped in, so that a restart starts from the plan in force.
            var path = admin.Node.ContactPlanPath!;
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, body);
            File.Move(temporary, path, overwrite: true);
            windows.Replace(plan);
        }

        return Results.Json(Report(admin, windows));
    }

    /// <summary>
    /// Reads the plan file again for <c>POST /config/reload</c>: null when it is now in force (or the node has no plan),
    /// else the problem that refused it, the old plan staying.
    /// </summary>
    internal static IResult? ReloadFromFile(AdminContext admin)
    {
        if (admin.Node.Contacts is not { } windows)
        {
            return null;
        }

        try
        {
            var plan = ContactPlanReader.ReadFile(admin.Node.ContactPlanPath!);
            lock (Replacing)
            {
                windows.Replace(plan);
            }

            return null;
        }
        catch (ContactPlanException e)
        {
            return Refused(e);
        }
        catch (IOException e)
        {
            return AdminProblems.Field("contacts", $"{admin.Node.ContactPlanPath} cannot be read: {e.Message}; the plan in force stays");
        }
    }

    private static ContactsReport Report(AdminContext admin, ContactWindows windows) =>
        ContactReports.Build(windows, admin.Node.Store, admin.Node.ContactPlanPath!, DateTimeOffset.UtcNow, admin.Node.BulkRelay?.NextHops);

    private static IResult Refused(ContactPlanException e) =>
        Results.Problem(detail: e.Message + "; the plan in force stays", statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", type: AdminProblems.TypeBase + "invalid-plan",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["field"] = e.Field, ["contact"] = e.Contact });

    private static IResult NotAGateway() =>
        AdminProblems.Field("", "contact plans are kept by a node in the Gateway role (Tern:Node:Role)", StatusCodes.Status409Conflict, "not-a-gateway");
}
