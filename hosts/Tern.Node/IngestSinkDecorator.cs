using Tern.Engine.Ingest;

namespace Tern.Node;

/// <summary>
/// Wraps the sink the notification ingest files into (registered as a singleton, applied in registration order), so a
/// surface can observe what is filed — the client API wakes its long polls this way — without the stages knowing it.
/// The wrapper runs on the ingest loop, per record: it must not block or allocate.
/// </summary>
/// <param name="sink">The sink to wrap.</param>
/// <returns>The sink the ingest uses.</returns>
public delegate INotificationSink IngestSinkDecorator(INotificationSink sink);
