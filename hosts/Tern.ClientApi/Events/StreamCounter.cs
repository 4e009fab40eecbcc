namespace Tern.ClientApi.Events;

/// <summary>Counts the event streams each user holds open, to bound them (<see cref="ClientApiOptions.MaxEventStreamsPerUser"/>).</summary>
internal sealed class StreamCounter
{
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Takes one of the user's <paramref name="max"/> streams; false when all are open.</summary>
    public bool TryOpen(string user, int max)
    {
        lock (_open)
        {
            var count = _open.GetValueOrDefault(user);
            if (count >= max)
            {
                return false;
            }

            _open[user] = count + 1;
            return true;
        }
    }

    public void Close(string user)
    {
        lock (_open)
        {
            if (_open.TryGetValue(user, out var count) && count > 1)
            {
                _open[user] = count - 1;
            }
            else
            {
                _open.Remove(user);
            }
        }
    }
}
