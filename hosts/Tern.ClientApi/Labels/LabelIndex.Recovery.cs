using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.ClientApi.Labels;

internal sealed partial class LabelIndex
{
    /// <summary>
    /// Brings a user's entries in line with the message store, which records durably which messages exist: an entry of
    /// one of the user's hashes whose message is no longer stored is dropped (deleted after the file was last written),
    /// and a stored message without an entry gets one in <c>inbox</c>, oldest first, with orders from
    /// <see cref="UserLabels.NextOrder"/> — the file's reserved ceiling, above every order handed out before. Only the
    /// metadata of messages missing from the file is read. Returns whether anything changed.
    /// </summary>
    private bool Reconcile(string user, UserLabels labels)
    {
        var stored = new Dictionary<string, RecipientHash>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hash in _users.HashesOfName(user))
        {
            hashes.Add(hash.ToString());
            foreach (var capability in _messages.StoredCapabilities(hash))
            {
                stored[capability.ToString()] = hash;
            }
        }

        var changed = false;
        var gone = new List<string>();
        foreach (var entry in labels.File.Messages)
        {
            // A hash the user no longer holds keeps its entries as they are: its messages are not the user's to list now.
            if (hashes.Contains(entry.Hash) && !stored.ContainsKey(entry.Id))
            {
                gone.Add(entry.Id);
            }
        }

        foreach (var id in gone)
        {
            changed |= labels.Remove(id);
        }

        var missing = new List<StoredMessage>();
        foreach (var (id, hash) in stored)
        {
            if (!labels.ById.ContainsKey(id) && FetchCapability.TryParse(id, out var capability) && _messages.TryGet(hash, capability, out var message))
            {
                missing.Add(message);
            }
        }

        missing.Sort((a, b) => a.StoredAtMs != b.StoredAtMs ? a.StoredAtMs.CompareTo(b.StoredAtMs) : string.CompareOrdinal(a.Capability.ToString(), b.Capability.ToString()));
        foreach (var message in missing)
        {
            labels.Add(Entry(message, labels.NextOrder++));
            changed = true;
        }

        return changed;
    }
}
