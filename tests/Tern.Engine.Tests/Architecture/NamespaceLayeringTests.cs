using System.Text.RegularExpressions;
using Tern.Engine.Transit;

namespace Tern.Engine.Tests.Architecture;

/// <summary>
/// The engine's folders are layers (docs/ARCHITECTURE.md §1, "Layers"): a namespace uses only namespaces of lower
/// layers, never one of its own layer or above, so the engine has no namespace loop. Read from the built assembly's
/// metadata and IL (<see cref="TypeReferenceCollector"/>); a namespace is its top-level folder (<c>Tern.Engine.Protocol.Fetch</c>
/// is <c>Protocol</c>).
/// </summary>
public sealed partial class NamespaceLayeringTests
{
    /// <summary>Lowest first; the namespaces of one layer do not use each other.</summary>
    private static readonly string[][] Layers =
    [
        ["Storage", "Crypto", "Loops"],
        ["Protocol"],
        ["Keys"],
        ["Transit", "Pending"],
        ["Notify", "Ingest", "Pull"],
        ["Discovery", "Contacts"],
        ["Custody"],
        ["Bulk"],
    ];

    private static readonly Lazy<IReadOnlyCollection<(string From, string To)>> Edges = new(() =>
    {
        using var collector = new TypeReferenceCollector(typeof(TransitStore).Assembly.Location);
        return collector.Collect();
    });

    [Fact]
    public void Every_engine_namespace_uses_only_layers_below_its_own()
    {
        var violations = new List<string>();
        foreach (var (from, to) in Edges.Value)
        {
            if (Folder(from) is not { } user || Folder(to) is not { } used || user == used)
            {
                continue;
            }

            if (Layer(used) >= Layer(user))
            {
                violations.Add($"{from} → {to} ({user} may not use {used})");
            }
        }

        violations.Sort(StringComparer.Ordinal);
        Assert.True(violations.Count == 0, "Dependencies against the layering:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Every_using_directive_in_the_engine_sources_names_a_lower_layer()
    {
        // The metadata holds no trace of a namespace used only for a constant or a documentation reference; the
        // sources' using directives and qualified names do.
        var engine = Path.Combine(RepositoryRoot(), "engine", "Tern.Engine");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(engine, file);
            var user = relative.Split(Path.DirectorySeparatorChar)[0];
            if (user is "obj" or "bin" || !relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in EngineNamespace().Matches(File.ReadAllText(file)))
            {
                var used = match.Groups[1].Value;
                if (used != user && (Layer(used) < 0 || Layer(used) >= Layer(user)))
                {
                    violations.Add($"{relative}: Tern.Engine.{used} ({user} may not use {used})");
                }
            }
        }

        violations.Sort(StringComparer.Ordinal);
        Assert.True(violations.Count == 0, "Sources naming a namespace against the layering:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Every_engine_namespace_has_a_layer()
    {
        var unplaced = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (from, to) in Edges.Value)
        {
            foreach (var folder in new[] { Folder(from), Folder(to) })
            {
                if (folder is not null && Layer(folder) < 0)
                {
                    unplaced.Add(folder);
                }
            }
        }

        Assert.True(unplaced.Count == 0, "Namespaces with no place in the layering: " + string.Join(", ", unplaced));
    }

    [Fact]
    public void The_collector_sees_uses_through_bodies_signatures_and_bases()
    {
        // A check of the check: dependencies known to exist, each seen through a different kind of reference.
        var edges = Edges.Value;
        Assert.Contains(("Tern.Engine.Storage.AtomicFile", "Tern.Engine.Storage.DirectorySync"), edges); // a call in a body
        Assert.Contains(("Tern.Engine.Keys.DomainKeySet", "Tern.Engine.Protocol.IDomainKeys"), edges); // an interface
        Assert.Contains(("Tern.Engine.Notify.NotificationScheduler", "Tern.Engine.Transit.TransitStore"), edges); // a field
        Assert.Contains(("Tern.Engine.Pull.PullWorker", "Tern.Engine.Pending.IPullPreferences"), edges); // a parameter
    }

    /// <summary>
    /// The top-level folder of an engine type's namespace: empty for a type in <c>Tern.Engine</c> itself (which has no
    /// layer), null for a type outside <c>Tern.Engine.*</c> (compiler-generated helpers).
    /// </summary>
    private static string? Folder(string typeName)
    {
        const string Prefix = "Tern.Engine.";
        if (!typeName.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = typeName[Prefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? string.Empty : rest[..dot];
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("No Engine.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\bTern\.Engine\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex EngineNamespace();

    private static int Layer(string folder) => Array.FindIndex(Layers, layer => Array.IndexOf(layer, folder) >= 0);
}
