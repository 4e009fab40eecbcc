using Tern.Engine.Ingest;
using Tern.Engine.Notify;
using Tern.Engine.Pull;

namespace Tern.Node;

/// <summary>
/// Wraps parts of the node as its stages compose them, for measurement (the end-to-end benchmark stamps each step of a
/// message) and tests; configured with <c>services.Configure&lt;TernNodeDecorators&gt;(…)</c>. Each defaults to none: the
/// part as composed.
/// </summary>
public sealed class TernNodeDecorators
{
    /// <summary>Wraps the scheduler's datagram transport. Defaults to none.</summary>
    public Func<IDatagramTransport, IDatagramTransport>? Transport { get; set; }

    /// <summary>Wraps the ingest's sink (a <see cref="PendingTableSink"/>). Defaults to none.</summary>
    public Func<PendingTableSink, INotificationSink>? Sink { get; set; }

    /// <summary>Wraps the pull worker's fetch sources. Defaults to none.</summary>
    public Func<IFetchSourceFactory, IFetchSourceFactory>? FetchSources { get; set; }
}
