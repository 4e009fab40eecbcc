using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Tern.Admin.Wire;
using Tern.Node;

namespace Tern.Admin.Routes;

/// <summary>
/// <c>POST /config/reload</c>: reads the configuration sources again. <c>Logging</c> levels apply at once (the logger
/// filters follow the configuration), and so do <c>blocks.txt</c> (the block list becomes the file's) and a gateway's contact
/// plan (validated first: a plan refused is the answer, nothing is reloaded and the old plan stays); every <c>Tern:*</c>
/// key whose value changed is listed as needing a restart, since the stores and listeners were built from the old values.
/// </summary>
internal static class ReloadRoutes
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/config/reload", Reload).WithName("ReloadConfiguration").WithTags("configuration").Produces<ReloadReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

    /// <summary>The <c>Tern:*</c> values the node started with (or last reloaded), key to value.</summary>
    public static Dictionary<string, string?> Snapshot(IConfiguration configuration) =>
        configuration.GetSection("Tern").AsEnumerable(makePathsRelative: false).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    private static IResult Reload(AdminContext admin)
    {
        // The contact plan first: a plan refused is the answer, and nothing else is reloaded.
        if (ContactRoutes.ReloadFromFile(admin) is { } refused)
        {
            return refused;
        }

        var applied = new List<string>();
        if (admin.Node.Contacts is not null)
        {
            applied.Add(Path.GetFileName(admin.Node.ContactPlanPath!));
        }
        if (admin.Configuration is IConfigurationRoot root)
        {
            root.Reload();
            applied.Add("Logging");
        }

        var now = Snapshot(admin.Configuration);
        var changed = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in now)
        {
            if (!admin.Started.TryGetValue(key, out var before) || !string.Equals(before, value, StringComparison.Ordinal))
            {
                changed.Add(key);
            }
        }

        foreach (var key in admin.Started.Keys)
        {
            if (!now.ContainsKey(key))
            {
                changed.Add(key);
            }
        }

        if (ReloadBlocks(admin))
        {
            applied.Add("blocks.txt");
        }

        return Results.Json(new ReloadReport(applied, [.. changed.Where(k => admin.Started.GetValueOrDefault(k) is not null || now.GetValueOrDefault(k) is not null)]));
    }

    /// <summary>Makes the block list the file's; true when that changed it.</summary>
    private static bool ReloadBlocks(AdminContext admin)
    {
        var file = TernDataDirectory.BlocksFile(admin.Node.Options.DataDirectory);
        var wanted = File.Exists(file)
            ? File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => BlockRoutes.Domain(l)).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var changed = false;
        foreach (var domain in admin.Node.Blocks.Domains)
        {
            if (!wanted.Contains(domain))
            {
                changed |= admin.Node.Blocks.Remove(domain);
            }
        }

        foreach (var domain in wanted)
        {
            changed |= admin.Node.Blocks.Add(domain);
        }

        return changed;
    }
}
