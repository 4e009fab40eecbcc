using Tern.ClientApi.Labels;
using Tern.ClientApi.Policy;
using Tern.ClientApi.Users;
using Tern.Engine.Protocol;
using Tern.Engine.Pull;

namespace Tern.ClientApi.Events;

/// <summary>
/// Where the node's own loops (the ingest, the pull worker) append to the users' event logs. A singleton of the
/// composition, so the ingest's sink can hold it before the client API's stage has opened the log; until then (and
/// after it stops) what they report is not recorded, as nobody could have read it.
/// </summary>
internal sealed class EventHooks
{
    private volatile Attached? _attached;

    /// <summary>The log and the directory that says whose hash is whose, once the stage opened them.</summary>
    public void Attach(EventLog log, UserDirectory users, LabelIndex labels, PolicyStore policies) => _attached = new Attached(log, users, labels, policies);

    public void Detach() => _attached = null;

    /// <summary>Appends <paramref name="e"/> to the log of the user who registered <paramref name="hash"/>, if anyone did.</summary>
    public void AppendFor(RecipientHash hash, UserEvent e)
    {
        if (_attached is { } attached && attached.Users.OwnerOf(hash) is { } user)
        {
            attached.Log.Append(user, e);
        }
    }

    /// <summary>Whether anyone registered <paramref name="hash"/> (the ingest builds an event only then).</summary>
    public bool IsWatched(RecipientHash hash) => _attached is { } attached && attached.Users.OwnerOf(hash) is not null;

    /// <summary>The message store committed a new message: <c>pulled</c>, with the labels a new message gets.</summary>
    public void Stored(StoredMessage message)
    {
        if (_attached is { } attached && attached.Users.OwnerOf(message.RecipientHash) is { } user)
        {
            var labels = attached.Labels.Stored(user, message);
            attached.Log.Append(user, UserEvents.MessageStored(message, labels));
        }
    }

    /// <summary>
    /// What the owner of <paramref name="hash"/> wants done with a reference of <paramref name="size"/> bytes when it is
    /// above their large-transfer size (<c>defer</c>, <c>pull</c>, <c>ignore</c>), or null. Only hashes someone registered
    /// cost a lookup.
    /// </summary>
    public string? LargeTransfer(RecipientHash hash, long size) =>
        _attached is { } attached && attached.Users.OwnerOf(hash) is { } user ? attached.Policies.LargeTransfer(user, size) : null;

    private sealed record Attached(EventLog Log, UserDirectory Users, LabelIndex Labels, PolicyStore Policies);
}
