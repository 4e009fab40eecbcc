using Tern.Engine.Protocol;

namespace Tern.Engine.Pull;

/// <summary>
/// The checked bytes of fetches the message store keeps in memory rather than in a partial file (blobs up to
/// <see cref="MessageStoreOptions.InlineMaxBytes"/>, which ride whole in their commit record): what a
/// <see cref="PartialFileStream"/> in memory leaves when it is disposed, until the commit takes it, a later fetch of the
/// same capability resumes from it (as from a partial file's checked chunks), or the fetch is discarded. Thread-safe.
/// </summary>
internal sealed class FetchedBlobs
{
    private readonly Dictionary<FetchCapability, (RecipientHash Hash, byte[] Bytes, long Verified)> _blobs = [];

    /// <summary>Kept fetches (tests, reports).</summary>
    public int Count
    {
        get
        {
            lock (_blobs)
            {
                return _blobs.Count;
            }
        }
    }

    /// <summary>Keeps <paramref name="bytes"/> (a blob's buffer, its first <paramref name="verified"/> bytes checked).</summary>
    public void Keep(RecipientHash hash, FetchCapability capability, byte[] bytes, long verified)
    {
        lock (_blobs)
        {
            _blobs[capability] = (hash, bytes, verified);
        }
    }

    /// <summary>Takes what a fetch of <paramref name="capability"/> left, if any.</summary>
    public bool TryTake(RecipientHash hash, FetchCapability capability, out byte[] bytes, out long verified)
    {
        lock (_blobs)
        {
            if (_blobs.TryGetValue(capability, out var kept) && kept.Hash == hash)
            {
                _blobs.Remove(capability);
                (bytes, verified) = (kept.Bytes, kept.Verified);
                return true;
            }
        }

        (bytes, verified) = ([], 0);
        return false;
    }

    /// <summary>Forgets what a fetch of <paramref name="capability"/> left.</summary>
    public void Drop(FetchCapability capability)
    {
        lock (_blobs)
        {
            _blobs.Remove(capability);
        }
    }
}
