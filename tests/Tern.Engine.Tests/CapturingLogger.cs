using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tern.Engine.Tests;

/// <summary>A logger (for <typeparamref name="T"/>'s category) that keeps every entry, from any thread, with its event id.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message, Exception? Exception)> Entries { get; } = new();

    /// <summary>Entries of event <paramref name="eventId"/>.</summary>
    public int Count(int eventId) => Entries.Count(e => e.EventId == eventId);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception), exception));
}
