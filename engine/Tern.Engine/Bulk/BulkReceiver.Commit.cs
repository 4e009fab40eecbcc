using Tern.Engine.Custody;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Transit;

namespace Tern.Engine.Bulk;

public sealed partial class BulkReceiver
{
    /// <summary>
    /// The whole block is in (§17.5): checks the manifest's key against the sending gateway's descriptor, then each blob
    /// against its payload hash, commits it (or finds it held from an earlier session), signs the receipt over those it
    /// holds and sends it. A blob that fails its hash or the store's limits is left out of the receipt; the sender keeps it.
    /// </summary>
    private async Task CommitAsync(IncomingSession session)
    {
        // Off the socket's receive thread.
        await Task.Yield();
        var manifest = session.Manifest!;
        byte[]? receipt = null;
        string? refusal = null;
        try
        {
            var descriptor = await _descriptors.ResolveAsync(manifest.SenderGateway, CancellationToken.None).ConfigureAwait(false);
            if (descriptor is null)
            {
                refusal = $"no verified descriptor of {manifest.SenderGateway} just now";
            }
            else if (Array.IndexOf(CustodyKeys.SigningKeys(descriptor, _time.GetUtcNow()), manifest.SenderSigningKey) < 0)
            {
                refusal = $"the manifest is not signed by {manifest.SenderGateway}'s descriptor key";
            }
            else
            {
                receipt = await CommitBlobsAsync(session, manifest).ConfigureAwait(false);
            }
        }
        catch (IOException e)
        {
            refusal = $"the block could not be read: {e.Message}";
        }

        lock (_gate)
        {
            _commits.RemoveAll(t => t.IsCompleted);
            if (receipt is null)
            {
                Refuse(session, refusal ?? "the block could not be committed");
            }
            else
            {
                var datagram = new byte[BulkDatagram.HeaderSize + receipt.Length];
                BulkDatagram.WriteReceipt(datagram, session.Id, receipt);
                session.ReceiptDatagram = datagram;
                session.State = IncomingState.Done;
                Counters.Complete();
                if (!_disposed)
                {
                    // Sent once now; again for each checkpoint the sender repeats until it has it (§17.4).
                    _sink.Send(datagram, session.Peer);
                }
            }

            if (session.CancelledBySender && _sessions.ContainsKey(session.Id))
            {
                Forget(session);
            }
        }
    }

    private async Task<byte[]> CommitBlobsAsync(IncomingSession session, BulkManifest manifest)
    {
        var accepted = new bool[manifest.Entries.Count];
        long offset = session.ManifestBytes!.Length;
        var buffer = new byte[PayloadTree.ChunkSize];
        for (var i = 0; i < manifest.Entries.Count; i++)
        {
            var entry = manifest.Entries[i];
            accepted[i] = await CommitBlobAsync(session, entry, offset, buffer).ConfigureAwait(false);
            offset += entry.PayloadSize;
        }

        var keys = _keys();
        var receipt = new BulkReceipt
        {
            Session = session.Id,
            ManifestHash = BulkReceipt.HashManifest(session.ManifestBytes),
            Root = BulkMerkle.Root(manifest, accepted),
            Accepted = accepted,
            AcceptedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            GatewaySigningKey = new Bytes32(keys.SigningPublicKey),
            GatewayDomain = keys.Domain,
        };
        BulkLogMessages.Committed(_logger, session.Id.ToString(), manifest.SenderGateway, receipt.AcceptedCount, accepted.Length);
        return receipt.Sign(keys);
    }

    /// <summary>Checks and commits one blob; true when this gateway holds it as the entry describes.</summary>
    private async Task<bool> CommitBlobAsync(IncomingSession session, BulkManifestEntry entry, long offset, byte[] buffer)
    {
        // Held under (message id, recipient domain) as custody holds blobs (§10.4), so a blob carried again is held once.
        var localId = CustodyKeys.LocalId(entry.MessageId, entry.RecipientDomain);
        if (_store.FindMessage(localId) is { } held)
        {
            return held.Size == entry.PayloadSize && held.PayloadHash == entry.PayloadHash;
        }

        if (await HashAsync(session, offset, entry.PayloadSize, buffer).ConfigureAwait(false) != entry.PayloadHash)
        {
            BulkLogMessages.NotHeld(_logger, entry.MessageId.ToString(), session.Id.ToString(), "its bytes do not match its payload hash");
            return false;
        }

        var recipients = new TransitRecipient[entry.RecipientHashes.Count];
        for (var r = 0; r < recipients.Length; r++)
        {
            recipients[r] = new TransitRecipient(entry.RecipientDomain, entry.RecipientHashes[r]);
        }

        try
        {
            var content = new BlockSliceStream(session.File, offset, entry.PayloadSize);
            await using (content.ConfigureAwait(false))
            {
                var result = await _store.SubmitAsync(
                    new SubmissionRequest
                    {
                        Account = entry.SenderDomain,
                        Recipients = recipients,
                        TransitExpiry = DateTimeOffset.FromUnixTimeMilliseconds(entry.ExpiryMs),
                        MimeHint = entry.MimeHint.Length == 0 ? null : entry.MimeHint,
                        DeclaredSize = entry.PayloadSize,
                        MessageId = localId,
                    },
                    content).ConfigureAwait(false);
                if (result.PayloadHash != entry.PayloadHash)
                {
                    // Cannot happen after the hash check; kept so that a receipt never covers other bytes.
                    throw new InvalidOperationException("The committed blob does not match its payload hash.");
                }

                Committed?.Invoke(result);
                return true;
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or TransitQuotaException or IOException)
        {
            BulkLogMessages.NotHeld(_logger, entry.MessageId.ToString(), session.Id.ToString(), e.Message);
            return false;
        }
    }

    private static async Task<Bytes32> HashAsync(IncomingSession session, long offset, long size, byte[] buffer)
    {
        using var hasher = new PayloadHasher();
        for (long at = 0; at < size;)
        {
            var want = (int)Math.Min(buffer.Length, size - at);
            var read = await RandomAccess.ReadAsync(session.File, buffer.AsMemory(0, want), offset + at).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new IOException("The block file is shorter than its manifest says.");
            }

            hasher.Append(buffer.AsSpan(0, read));
            at += read;
        }

        return hasher.Finish();
    }
}
