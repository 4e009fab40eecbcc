using System.Text.Json;
using Tern.ClientApi.Users;
using Tern.Engine.Pull;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Labels;

/// <summary>
/// The labels and read state of every user's stored messages (docs/C2S.md §8), one file per user under
/// <c>clientapi/labels/</c>, replaced whole on each change a user makes; the in-memory copy lists a label's messages in
/// the order they were stored without reading the message store. A message stored or deleted changes only the memory:
/// the message store is the record of which messages exist, so when a user's file is loaded it is brought in line with
/// the store (<c>Reconcile</c>: a message it lacks gets <c>inbox</c>, an entry whose message is gone is dropped), and the
/// pull that stores a message waits for no write of this file (docs/ARCHITECTURE.md §5). Listing orders are reserved in
/// the file ahead of use (<see cref="OrderLease"/> at a time), so an order a client saw is never handed out again after
/// a crash. The file is rewritten with the memory's state at each reservation, each change of labels, and at stop
/// (<see cref="Flush"/>). Thread-safe.
/// </summary>
internal sealed partial class LabelIndex
{
    private readonly string _directory;
    private readonly MessageStore _messages;
    private readonly UserDirectory _users;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UserLabels> _loaded = new(StringComparer.Ordinal);

    /// <summary>Listing orders reserved in a user's file by one rewrite: one rewrite per this many messages stored.</summary>
    public const ulong OrderLease = 1024;

    public LabelIndex(string directory, MessageStore messages, UserDirectory users)
    {
        _directory = directory;
        _messages = messages;
        _users = users;
        Directory.CreateDirectory(directory);
    }

    /// <summary>
    /// A new message was stored for <paramref name="user"/>: it gets <c>inbox</c>. Returns its labels. With
    /// <paramref name="readable"/> (a commit under way) the entry is listed once that completes, and dropped if it fails.
    /// </summary>
    public IReadOnlyList<string> Stored(string user, StoredMessage message, Task? readable = null)
    {
        lock (_lock)
        {
            var labels = Load(user);
            var id = message.Capability.ToString();
            if (labels.ById.TryGetValue(id, out var known))
            {
                return [.. known.Labels];
            }

            if (labels.NextOrder >= labels.Ceiling)
            {
                // Reserved on disk before any of them is handed out; the memory's other changes go with it.
                Save(user, labels, labels.NextOrder + OrderLease);
            }

            var entry = Entry(message, labels.NextOrder++);
            labels.Add(entry);
            labels.Dirty = true;
            if (readable is not null && !readable.IsCompletedSuccessfully)
            {
                entry.Listed = false;
                readable.ContinueWith(done => Readable(user, entry, done.IsCompletedSuccessfully), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            return [.. entry.Labels];
        }
    }

    /// <summary>A commit <see cref="Stored"/> waited for has ended: its entry is listed, or dropped when it failed.</summary>
    private void Readable(string user, LabelEntry entry, bool committed)
    {
        lock (_lock)
        {
            if (committed)
            {
                entry.Listed = true;
            }
            else if (_loaded.TryGetValue(user, out var labels) && labels.ById.TryGetValue(entry.Id, out var current) && ReferenceEquals(current, entry))
            {
                labels.Dirty |= labels.Remove(entry.Id);
            }
        }
    }

    /// <summary>The message <paramref name="id"/> of <paramref name="user"/> was deleted.</summary>
    public void Deleted(string user, string id)
    {
        lock (_lock)
        {
            // The message store's deletion is durable already; a file that still lists it drops it when loaded.
            var labels = Load(user);
            labels.Dirty |= labels.Remove(id);
        }
    }

    /// <summary>A copy of the entry of <paramref name="id"/>, or null when the user has no such stored message.</summary>
    public LabelEntry? Find(string user, string id)
    {
        lock (_lock)
        {
            return Load(user).ById.TryGetValue(id, out var entry) && entry.Listed ? Copy(entry) : null;
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

        // A new user's file starts empty; reconciling fills it with the messages already stored, each in the inbox.
        var path = PathOf(user);
        var file = File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), LabelFileJson.Default.LabelFile) ?? new LabelFile() : new LabelFile();
        labels = new UserLabels(file);
        if (Reconcile(user, labels))
        {
            Save(user, labels, labels.NextOrder);
        }

        _loaded[user] = labels;
        return labels;
    }

    /// <summary>Writes every loaded user's file that memory is ahead of; the client API calls it when it stops.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            foreach (var (user, labels) in _loaded)
            {
                if (labels.Dirty)
                {
                    Save(user, labels, labels.Ceiling);
                }
            }
        }
    }

    /// <summary>Replaces the user's file with the memory's state, keeping the orders reserved so far.</summary>
    private void Save(string user, UserLabels labels) => Save(user, labels, labels.Ceiling);

    /// <summary>Replaces the user's file with the memory's state, reserving the orders below <paramref name="ceiling"/>.</summary>
    private void Save(string user, UserLabels labels, ulong ceiling)
    {
        labels.File.NextOrder = Math.Max(ceiling, labels.NextOrder);
        AtomicFile.Write(PathOf(user), JsonSerializer.SerializeToUtf8Bytes(labels.File, LabelFileJson.Default.LabelFile), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        labels.Ceiling = labels.File.NextOrder;
        labels.Dirty = false;
    }

    // User names are 1–64 of a-z, 0-9, '.', '_', '-' starting with a letter or digit (UserDirectory): safe as file names.
    private string PathOf(string user) => Path.Combine(_directory, user + ".json");
}
