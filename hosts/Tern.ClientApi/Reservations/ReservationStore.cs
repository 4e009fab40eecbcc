using System.Text.Json;
using Tern.Engine.Protocol;
using Tern.Engine.Storage;

namespace Tern.ClientApi.Reservations;

/// <summary>
/// The open reservations of every user (docs/C2S.md §6), one JSON file and one upload file each under
/// <c>clientapi/reservations/</c>, reloaded at start. Unsent reservations past their expiry are removed with their
/// upload by <see cref="Sweep"/>, which the stage runs every minute and every new reservation runs too.
/// </summary>
internal sealed class ReservationStore
{
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly Dictionary<MessageId, Reservation> _open = [];
    private readonly Lock _lock = new();

    public ReservationStore(string directory, TimeProvider time)
    {
        _directory = directory;
        _time = time;
        Directory.CreateDirectory(directory);
        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
        {
            try
            {
                var reservation = JsonSerializer.Deserialize<Reservation>(File.ReadAllBytes(path));
                if (reservation is not null && MessageId.TryParse(reservation.MessageId, out var id))
                {
                    _open[id] = reservation;
                }
            }
            catch (JsonException)
            {
                // A file cut by a crash before its atomic rename cannot exist; anything else unreadable is not ours to serve.
            }
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Reserves a new message id for <paramref name="user"/>; null when the user holds <paramref name="max"/> already.</summary>
    public Reservation? Create(string user, long expiresMs, int max)
    {
        Sweep();
        lock (_lock)
        {
            var held = 0;
            foreach (var r in _open.Values)
            {
                held += r.User == user && !r.Sent ? 1 : 0;
            }

            if (held >= max)
            {
                return null;
            }

            var id = MessageId.NewRandom();
            var reservation = new Reservation { User = user, MessageId = id.ToString(), CreatedMs = NowMs, ExpiresMs = expiresMs };
            File.WriteAllBytes(PartPath(id), []);
            Save(reservation);
            _open[id] = reservation;
            return reservation;
        }
    }

    /// <summary>The reservation <paramref name="id"/> of <paramref name="user"/>, if it exists and has not lapsed; another user's is not found.</summary>
    public Reservation? Find(string user, MessageId id)
    {
        lock (_lock)
        {
            return _open.TryGetValue(id, out var r) && r.User == user && (r.Sent || r.ExpiresMs > NowMs) ? r : null;
        }
    }

    /// <summary>The upload file of <paramref name="id"/>.</summary>
    public string PartPath(MessageId id) => Path.Combine(_directory, id + ".part");

    /// <summary>Writes <paramref name="reservation"/>'s state atomically.</summary>
    public void Save(Reservation reservation) =>
        AtomicFile.Write(Path.Combine(_directory, reservation.MessageId + ".json"), JsonSerializer.SerializeToUtf8Bytes(reservation));

    /// <summary>Marks <paramref name="reservation"/> sent (kept until <paramref name="transitExpiryMs"/> so a replayed send finds it) and drops its upload.</summary>
    public void MarkSent(Reservation reservation, MessageId id, long transitExpiryMs)
    {
        reservation.Sent = true;
        reservation.ExpiresMs = transitExpiryMs;
        Save(reservation);
        File.Delete(PartPath(id));
    }

    /// <summary>Removes <paramref name="id"/> and its upload.</summary>
    public void Remove(MessageId id)
    {
        lock (_lock)
        {
            _open.Remove(id);
        }

        File.Delete(PartPath(id));
        File.Delete(Path.Combine(_directory, id + ".json"));
    }

    /// <summary>Removes every reservation past its expiry; returns how many.</summary>
    public int Sweep()
    {
        List<MessageId> lapsed = [];
        var now = NowMs;
        lock (_lock)
        {
            foreach (var (id, r) in _open)
            {
                // An upload in progress keeps its reservation until the request ends.
                if (r.ExpiresMs <= now && r.Busy.CurrentCount > 0)
                {
                    lapsed.Add(id);
                }
            }
        }

        foreach (var id in lapsed)
        {
            Remove(id);
        }

        return lapsed.Count;
    }
}
