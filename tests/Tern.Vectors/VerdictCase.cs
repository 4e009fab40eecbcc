namespace Tern.Vectors;

/// <summary>
/// One datagram of datagram-verdicts.json and what a receiver must conclude from it (docs/PROTOCOL.md §4.4). The
/// verdicts are written here from the spec, not computed by the engine: the tests check that the engine agrees.
/// </summary>
/// <param name="Name">Short identifier of the case.</param>
/// <param name="Rule">The section that decides it.</param>
/// <param name="What">What is special about the datagram, in words.</param>
/// <param name="NowMs">The receiver's clock when it judges the datagram.</param>
/// <param name="Datagram">The bytes as received.</param>
/// <param name="Header">The 58-byte header the body was sealed under; null when the datagram is not a sealing of <paramref name="PlaintextBody"/>.</param>
/// <param name="PlaintextBody">The sealed plaintext; null as for <paramref name="Header"/>.</param>
/// <param name="Verdict">The datagram-level outcome: <c>accepted</c> or the §4.4 reason.</param>
/// <param name="RecordVerdicts">For an accepted notification datagram, each record's outcome in body order.</param>
internal sealed record VerdictCase(
    string Name,
    string Rule,
    string What,
    long NowMs,
    byte[] Datagram,
    byte[]? Header,
    byte[]? PlaintextBody,
    string Verdict,
    IReadOnlyList<string> RecordVerdicts);
