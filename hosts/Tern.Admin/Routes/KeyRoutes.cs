using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tern.Admin.Http;
using Tern.Admin.Wire;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Node;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>POST /keys/rotate?overlap=7d</c>: begins a rotation of the domain's keys (docs/PROTOCOL.md §16.6), the same as
/// <c>tern keys rotate-domain</c>: a new key set beside the old one, the rotated descriptor served at once, the old key set
/// accepted until the overlap ends and then retired. 400 for an overlap that is not one or not longer than the descriptor's
/// validity, 409 while a rotation is under way.
/// </summary>
internal static class KeyRoutes
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/keys/rotate", Rotate).WithName("RotateKeys").WithTags("keys")
            .Produces<KeyRotationReport>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);

    private static IResult Rotate(AdminContext admin, string? overlap)
    {
        if (!KeyRotationOverlap.TryParse(overlap, out var window))
        {
            return AdminProblems.Field("overlap", "overlap must be a window of 1 second to 30 days, e.g. 7d, 36h or 90m");
        }

        if (KeyRotationOverlap.Problem(window, admin.Node.DescriptorValidity) is { } problem)
        {
            return AdminProblems.Field("overlap", problem);
        }

        KeyRotationSnapshot snapshot;
        try
        {
            snapshot = admin.Node.KeyRotation.Begin(window);
        }
        catch (InvalidOperationException e)
        {
            return AdminProblems.Field("overlap", e.Message, StatusCodes.Status409Conflict, "conflict");
        }

        var current = snapshot.Current;
        var previous = snapshot.Other!;
        Bytes32[] both = [Bytes32.Parse(current.Fingerprint), Bytes32.Parse(previous.Fingerprint)];
        return Results.Json(new KeyRotationReport(
            snapshot.State == KeyRotationState.Rotated ? "rotated" : "announced",
            current.Fingerprint,
            new Bytes32(current.AgreementPublicKey).ToString(),
            previous.Fingerprint,
            snapshot.RotatesAt!.Value,
            snapshot.PreviousUntil!.Value,
            TernDnsRecords.FormatTxtZoneLine(current.Domain, both),
            TernDnsRecords.FormatTxtZoneLine(current.Domain, [both[0]])));
    }
}
