using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Tern.ClientApi.Users;
using Tern.ClientApi.Wire;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Policy;

/// <summary>
/// The users' policy documents (docs/C2S.md §13), one file per user under <c>clientapi/policy/</c>, replaced whole. The
/// entity tag is a hash of the document's bytes. <c>defaultPull</c> reaches the ingest as each of the user's hashes'
/// default (<see cref="PullPreferenceTable.SetDefault"/>); <c>largeTransfer</c> is read by the ingest's event hook for
/// references above <c>largeTransferBytes</c>. Thread-safe.
/// </summary>
internal sealed class PolicyStore
{
    private readonly string _directory;
    private readonly UserDirectory _users;
    private readonly PullPreferenceTable? _table;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PolicyDocument> _loaded = new(StringComparer.Ordinal);

    public PolicyStore(string directory, UserDirectory users, PullPreferenceTable? table = null)
    {
        _directory = directory;
        _users = users;
        _table = table;
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
        {
            var user = Path.GetFileNameWithoutExtension(file);
            Apply(user, Get(user).Document);
        }
    }

    /// <summary>The user's document (the defaults when never set) and its entity tag.</summary>
    public (PolicyDocument Document, string ETag) Get(string user)
    {
        lock (_lock)
        {
            var document = LoadLocked(user);
            return (document, ETagOf(document));
        }
    }

    /// <summary>Replaces the document when <paramref name="ifMatch"/> is null or the current tag; the new tag, or null when stale.</summary>
    public string? Put(string user, PolicyDocument document, string? ifMatch)
    {
        lock (_lock)
        {
            var current = LoadLocked(user);
            if (ifMatch is not null && ifMatch != ETagOf(current) && ifMatch != "*")
            {
                return null;
            }

            AtomicFile.Write(PathOf(user), JsonSerializer.SerializeToUtf8Bytes(document, PolicyJson.Default.PolicyDocument), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            _loaded[user] = document;
            Apply(user, document);
            return ETagOf(document);
        }
    }

    /// <summary>Sets the user's default pull on a hash just registered.</summary>
    public void Registered(string user, RecipientHash hash)
    {
        var document = DocumentOf(user);
        if (document.DefaultPull != "whenRequested")
        {
            _table?.SetDefault(hash, Parse(document.DefaultPull));
        }
    }

    /// <summary>What the user wants done with a reference of <paramref name="size"/> bytes when it is large, or null when it is not.</summary>
    public string? LargeTransfer(string user, long size)
    {
        // Asked by the ingest for each reference under a registered hash: the document alone, without the ETag's
        // serialization and hash that only the policy routes need.
        var document = DocumentOf(user);
        return document.LargeTransferBytes > 0 && size > document.LargeTransferBytes ? document.LargeTransfer : null;
    }

    public static PullPreference Parse(string text) => text switch
    {
        "immediately" => PullPreference.Immediately,
        "ignore" => PullPreference.Ignore,
        _ => PullPreference.WhenRequested,
    };

    private void Apply(string user, PolicyDocument document)
    {
        if (_table is null)
        {
            return;
        }

        PullPreference? preference = document.DefaultPull == "whenRequested" ? null : Parse(document.DefaultPull);
        foreach (var hash in _users.HashesOfName(user))
        {
            _table.SetDefault(hash, preference);
        }
    }

    private PolicyDocument DocumentOf(string user)
    {
        lock (_lock)
        {
            return LoadLocked(user);
        }
    }

    private PolicyDocument LoadLocked(string user)
    {
        if (!_loaded.TryGetValue(user, out var document))
        {
            var path = PathOf(user);
            document = File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), PolicyJson.Default.PolicyDocument) ?? new PolicyDocument() : new PolicyDocument();
            _loaded[user] = document;
        }

        return document;
    }

    private static string ETagOf(PolicyDocument document) =>
        "\"" + Base64Url.EncodeToString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(document, PolicyJson.Default.PolicyDocument)).AsSpan(0, 12)) + "\"";

    private string PathOf(string user) => Path.Combine(_directory, user + ".json");
}
