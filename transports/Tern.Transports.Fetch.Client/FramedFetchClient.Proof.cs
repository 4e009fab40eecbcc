using System.Buffers;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Pull;

namespace Tern.Transports.Fetch.Client;

public sealed partial class FramedFetchClient
{
    /// <summary>Gathers a fetch's proof frames (§8.3) and checks the proof against the payload hash once it is whole.</summary>
    private void HandleProof(in Frame frame)
    {
        if (!_pending.TryGetValue(frame.StreamId, out var fetch))
        {
            return;
        }

        if (fetch.Proof is not { Accepted: false } proof || fetch.Meta.Status != MetaStatus.Ok)
        {
            throw new FetchGoAwayException(GoAwayCode.ProtocolError, "a proof frame the fetch did not ask for");
        }

        if (!proof.Append(frame.Payload))
        {
            Fail(frame.StreamId, fetch, new PayloadMismatchException(-1, "The door sent more proof than the range needs."));
            return;
        }

        if (proof.Received < proof.Expected)
        {
            return;
        }

        if (!proof.Verifier.TryAcceptProof(proof.First, proof.Count, proof.Bytes))
        {
            Fail(frame.StreamId, fetch, new PayloadMismatchException(-1, "The proof from the door does not reach the payload hash."));
            return;
        }

        proof.Accepted = true;
        if (frame.IsEndStream)
        {
            Complete(frame.StreamId, fetch, fetch.Meta);
        }
    }

    /// <summary>The range proof a fetch asked for, gathered from its proof frames.</summary>
    private sealed class ProofState
    {
        public ProofState(PayloadVerifier verifier, long first, long count)
        {
            Verifier = verifier;
            First = first;
            Count = count;
            Expected = (int)(Tern.Engine.Protocol.Payload.PayloadProof.HashCount(verifier.ChunkCount, first, count) * Bytes32.Size);
            Bytes = new byte[Expected];
        }

        public PayloadVerifier Verifier { get; }

        public long First { get; }

        public long Count { get; }

        public int Expected { get; }

        public byte[] Bytes { get; }

        public int Received { get; private set; }

        public bool Accepted { get; set; }

        public bool Append(ReadOnlySequence<byte> payload)
        {
            if (payload.Length > Expected - Received)
            {
                return false;
            }

            payload.CopyTo(Bytes.AsSpan(Received));
            Received += (int)payload.Length;
            return true;
        }
    }
}
