using System.Text.Json;
using Tern.ClientApi.Users;
using Tern.Engine.Pull;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Labels;

/// <summary>
/// The labels and read state of every user's stored messages (docs/C2S.md §8), one file per user under
/// <c>clientapi/labels/</c>, replaced whole on each change; the in-memory copy lists a label's messages in the order
/// they were stored without reading the message store. A user's file is made on first use from the messages already
/// stored (each in <c>inbox</c>), so messages pulled before labels existed are not lost. Thread-safe.
/// </summary>
internal sealed partial class LabelIndex
{
    private readonly string _directory;
    private readonly MessageStore _messages;
    private readonly UserDirectory _users;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UserLabels> _loaded = new(StringComparer.Ordinal);

    public LabelIndex(string directory, MessageStore messages, UserDirectory users)
    {
        _directory = directory;
        _messages = messages;
        _users = users;
        Directory.CreateDirectory(directory);
    }

    /// <summary>A new message was stored for <paramref name="user"/>: it gets <c>inbox</c>. Returns its labels.</summary>
    public IReadOnlyList<string> Stored(string user, StoredMessage message)
    {
        lock (_lock)
        {
            var labels = Load(user);
            var id = message.Capability.ToString();
            if (labels.ById.TryGetValue(id, out var known))
            {
                return [.. known.Labels];
            }

            var entry = Entry(message, labels.File.NextOrder++);
            labels.Add(entry);
            Save(user, labels);
            return [.. entry.Labels];
        }
    }

    /// <summary>The message <paramref name="id"/> of <paramref name="user"/> was deleted.</summary>
    public void Deleted(string user, string id)
    {
        lock (_lock)
        {
            var labels = Load(user);
            if (labels.Remove(id))
            {
                Save(user, labels);
            }
        }
    }

    /// <summary>A copy of the entry of <paramref name="id"/>, or null when the user has no such stored message.</summary>
    public LabelEntry? Find(string user, string id)
    {
        lock (_lock)
        {
            return Load(user).ById.TryGetValue(id, out var entry) ? Copy(entry) : null;
        }
    }

    private static LabelEntry Copy(LabelEntry e) => new()
    {
        Id = e.Id,
        Order = e.Order,
        Hash = e.Hash,
        SenderDomain = e.SenderDomain,
        Size = e.Size,
        PayloadHash = e.PayloadHash,
        MimeHint = e.MimeHint,
        StoredMs = e.StoredMs,
        Labels = [.. e.Labels],
        Read = e.Read,
    };

    private static LabelEntry Entry(StoredMessage message, ulong order) => new()
    {
        Id = message.Capability.ToString(),
        Order = order,
        Hash = message.RecipientHash.ToString(),
        SenderDomain = message.SenderDomain,
        Size = message.Size,
        PayloadHash = message.PayloadHash.ToString(),
        MimeHint = message.MimeHint,
        StoredMs = message.StoredAtMs,
        Labels = [LabelRules.Inbox],
    };

    private UserLabels Load(string user)
    {
        if (_loaded.TryGetValue(user, out var labels))
        {
            return labels;
        }

        var path = PathOf(user);
        LabelFile file;
        if (File.Exists(path))
        {
            file = JsonSerializer.Deserialize(File.ReadAllBytes(path), LabelFileJson.Default.LabelFile) ?? new LabelFile();
        }
        else
        {
            // First use: the messages stored before, oldest first, each in the inbox.
            file = new LabelFile();
            var stored = new List<StoredMessage>();
            foreach (var hash in _users.HashesOfName(user))
            {
                stored.AddRange(_messages.List(hash));
            }

            foreach (var message in stored.OrderBy(m => m.StoredAtMs))
            {
                file.Messages.Add(Entry(message, file.NextOrder++));
            }
        }

        labels = new UserLabels(file);
        _loaded[user] = labels;
        return labels;
    }

    private void Save(string user, UserLabels labels) =>
        AtomicFile.Write(PathOf(user), JsonSerializer.SerializeToUtf8Bytes(labels.File, LabelFileJson.Default.LabelFile), UnixFileMode.UserRead | UnixFileMode.UserWrite);

    // User names are 1–64 of a-z, 0-9, '.', '_', '-' starting with a letter or digit (UserDirectory): safe as file names.
    private string PathOf(string user) => Path.Combine(_directory, user + ".json");
}
