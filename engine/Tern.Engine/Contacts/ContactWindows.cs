using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Notify;

namespace Tern.Engine.Contacts;

/// <summary>
/// The contact plan in force on this node, seen from its own domain: answers <see cref="IContactWindows"/> on the node's
/// clock, keeps the scheduler's notifications to covered destinations inside their windows
/// (<see cref="INotificationWindows"/>), and counts the bytes sent in each window (<see cref="LinkUse"/>). A reload
/// validates first and swaps the whole plan at once (<see cref="Replace"/>); readers never see half of one. Thread-safe.
/// </summary>
public sealed class ContactWindows : IContactWindows, INotificationWindows
{
    private readonly string _source;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile View _view;

    /// <summary>Creates the view of <paramref name="plan"/> from <paramref name="localDomain"/> (normalized) on <paramref name="timeProvider"/>.</summary>
    public ContactWindows(string localDomain, ContactPlan plan, TimeProvider? timeProvider = null, ILogger<ContactWindows>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(localDomain);
        ArgumentNullException.ThrowIfNull(plan);
        _source = localDomain;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _view = new View(new ContactSchedule(plan), localDomain);
    }

    /// <inheritdoc/>
    public event Action? PlanChanged;

    /// <summary>This node's domain: the source of the contacts it sends on.</summary>
    public string Source => _source;

    /// <summary>The schedule of the plan in force.</summary>
    public ContactSchedule Schedule => _view.Schedule;

    /// <summary>Bytes sent in each contact's windows today.</summary>
    public ContactLinkUse LinkUse { get; } = new();

    /// <summary>Puts <paramref name="plan"/> in force, whole; the next question asked is answered from it.</summary>
    public void Replace(ContactPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var view = new View(new ContactSchedule(plan), _source);
        _view = view;
        ContactLogMessages.PlanInForce(_logger, plan.Contacts.Count, view.Destinations, _source);
        PlanChanged?.Invoke();
    }

    /// <inheritdoc/>
    public bool Covers(string peer) => _view.FromHere.ContainsKey(peer);

    /// <inheritdoc/>
    public bool TryOpenNow(string peer, out ContactWindow window) => _view.Schedule.TryOpen(_source, peer, _time.GetUtcNow(), out window);

    /// <inheritdoc/>
    public bool TryNextWindow(string peer, out ContactWindow window) => _view.Schedule.TryNext(_source, peer, _time.GetUtcNow(), out window);

    /// <inheritdoc/>
    public DateTimeOffset? EarliestArrival(string peer, long bytes, long queuedBytes, DateTimeOffset notAfter) =>
        _view.Schedule.EarliestArrival(_source, peer, bytes, queuedBytes, _time.GetUtcNow(), notAfter);

    /// <inheritdoc/>
    public long OpenFromMs(string domain, long nowMs) =>
        _view.FromHere.TryGetValue(domain, out var contacts) ? ContactSchedule.OpensAtOrAfter(contacts, nowMs) : nowMs;

    /// <inheritdoc/>
    public void Sent(string domain, int bytes, long nowMs) => Record(domain, bytes, nowMs);

    /// <summary>Counts <paramref name="bytes"/> sent to <paramref name="domain"/> at <paramref name="atMs"/> against the window open then, if any.</summary>
    public void Record(string domain, long bytes, long atMs)
    {
        if (_view.FromHere.TryGetValue(domain, out var contacts) && ContactSchedule.TryOpen(contacts, atMs, out var window))
        {
            LinkUse.Record(window.Contact, bytes, atMs);
        }
    }

    /// <summary>One plan's schedule and its contacts from this node by destination, swapped together.</summary>
    private sealed class View
    {
        public View(ContactSchedule schedule, string source)
        {
            Schedule = schedule;
            foreach (var destination in schedule.Plan.Contacts.Where(c => c.Source == source).Select(c => c.Destination).Distinct())
            {
                FromHere[destination] = schedule.ContactsOf(source, destination)!;
            }
        }

        public ContactSchedule Schedule { get; }

        public Dictionary<string, ContactDefinition[]> FromHere { get; } = new(StringComparer.Ordinal);

        public int Destinations => FromHere.Count;
    }
}
