namespace Tern.ClientApi.Events;

/// <summary>
/// Events of one user after a cursor, as the log stored them: each the exact JSON bytes of one <see cref="UserEvent"/>
/// (so answers and the SSE stream send them without re-encoding).
/// </summary>
/// <param name="Events">The events' JSON, in sequence order.</param>
/// <param name="Sequences">The sequence of each event in <paramref name="Events"/>.</param>
/// <param name="Next">The cursor to pass as <c>after</c> next: the last sequence given, or the cursor asked with when none.</param>
/// <param name="More">Whether more events were committed after <paramref name="Next"/>.</param>
internal readonly record struct EventPage(IReadOnlyList<ReadOnlyMemory<byte>> Events, IReadOnlyList<ulong> Sequences, ulong Next, bool More);
