namespace Tern.Vectors;

/// <summary>datagram-verdicts.json: datagrams a.example → b.example and the verdict a receiver reaches on each.</summary>
internal static class DatagramVerdictVectors
{
    public const string FileName = "datagram-verdicts.json";

    private const string Description =
        "Receiver verdicts (PROTOCOL.md §4.2 field rules, §4.4 checks and their order) on datagrams from a.example to b.example, "
        + "sealed with \"key\" (k(a.example→b.example), as in keys.json). Each case gives the receiver's clock \"now\" (ms), the "
        + "datagram, and \"verdict\": \"accepted\" or the §4.4 reason the datagram is dropped under; an accepted notification "
        + "datagram lists each record's outcome in \"records\". Where the datagram is a sealing, \"header\" and \"plaintext_body\" "
        + "give what was sealed (datagram = header || XChaCha20-Poly1305-IETF(key, header[34..58], plaintext_body, header)); the "
        + "other cases are a valid datagram changed as \"what\" says. Receiver policies (rate, cold-key budget, pull preference, "
        + "table caps) are assumed permissive. Bytes lower-case hex.";

    public static VectorFile Build(VectorKeys keys)
    {
        var sealer = new VerdictSealer(keys);
        var cases = DatagramVerdictCases.Build(sealer);
        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteString("sender", keys.A.Domain);
            json.WriteString("receiver", keys.B.Domain);
            json.WriteHex("sender_key", keys.A.AgreementPublicKey);
            json.WriteHex("receiver_key", keys.B.AgreementPublicKey);
            json.WriteHex("key", sealer.Key);
            json.WriteStartArray("cases");
            foreach (var c in cases)
            {
                json.WriteStartObject();
                json.WriteString("name", c.Name);
                json.WriteString("rule", c.Rule);
                json.WriteString("what", c.What);
                json.WriteNumber("now", c.NowMs);
                if (c.Header is not null && c.PlaintextBody is not null)
                {
                    json.WriteHex("header", c.Header);
                    json.WriteHex("plaintext_body", c.PlaintextBody);
                }

                json.WriteHex("datagram", c.Datagram);
                json.WriteString("verdict", c.Verdict);
                if (c.RecordVerdicts.Count > 0)
                {
                    json.WriteStrings("records", c.RecordVerdicts);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }
}
