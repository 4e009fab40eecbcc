using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Tests.Vectors;

/// <summary>descriptor.json (docs/PROTOCOL.md §6.1–6.3).</summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void Descriptor_encodes_and_signs_from_its_fields()
    {
        var vector = VectorDocument.Load("descriptor.json");
        using var keys = DescriptorKeys(vector);
        var fields = vector["descriptor"]!;
        var descriptor = new DomainDescriptor
        {
            Version = fields["version"].Int32(),
            Domain = fields["domain"].Text(),
            SigningKey = Bytes32.Parse(fields["signing_key"].Text()),
            AgreementKey = Bytes32.Parse(fields["agreement_key"].Text()),
            Protocols = fields["protocols"].Strings(),
            Notify = fields["notify"].Strings(),
            Fetch = fields["fetch"].Strings(),
            TlsCertSha256 = Bytes32.Parse(fields["tls_cert_sha256"].Text()),
            MaxTransitSeconds = fields["max_transit_seconds"].Int32(),
            Escrow = fields["escrow"].Boolean(),
            Gateway = fields["gateway"].Boolean(),
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(fields["issued_at"].Int64()),
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(fields["expires_at"].Int64()),
        };

        var document = SignedDescriptor.Sign(descriptor, keys);

        Assert.Equal(vector["document"].Text(), Encoding.UTF8.GetString(document));
        Assert.Equal(vector["descriptor_text"].Text(), Encoding.UTF8.GetString(vector["descriptor_hex"].Hex()));
        Assert.Equal(Encoding.ASCII.GetString(SignedDescriptor.ContextLabel), vector["signature_context"].Text());

        // §6.2 by hand: Ed25519 over "tern/v1/descriptor\n" || descriptor bytes, carried as base64url in a two-member object.
        var descriptorBytes = vector["descriptor_hex"].Hex();
        var signature = new byte[Ed25519.SignatureSize];
        keys.Sign([.. "tern/v1/descriptor\n"u8, .. descriptorBytes], signature);
        Assert.Equal(vector["signature"].Hex(), signature);
        Assert.Equal(
            $"{{\"descriptor\":\"{Base64Url.EncodeToString(descriptorBytes)}\",\"signature\":\"{Base64Url.EncodeToString(signature)}\"}}",
            vector["document"].Text());

        // §6.3: the fingerprint, the TXT value and the zone lines.
        var dns = vector["dns"]!;
        var fingerprint = descriptor.Fingerprint;
        Assert.Equal(dns["fingerprint"].Text(), fingerprint.ToString());
        Assert.Equal(dns["fingerprint"].Text(), keys.Fingerprint);
        Assert.Equal(dns["txt_owner"].Text(), TernDnsRecords.TxtOwner(descriptor.Domain));
        Assert.Equal(dns["txt_value"].Text(), TernDnsRecords.FormatTxtValue(fingerprint));
        Assert.Equal($"v=tern1; fp={dns["fingerprint"].Text()}", dns["txt_value"].Text());
        Assert.Equal(dns["txt_zone_line"].Text(), TernDnsRecords.FormatTxtZoneLine(descriptor.Domain, [fingerprint]));
        var srv = dns["srv"].Array();
        Assert.Equal(2, srv.Count);
        Assert.Equal(srv[0]!["owner"].Text(), TernDnsRecords.NotifySrvOwner(descriptor.Domain));
        Assert.Equal(srv[1]!["owner"].Text(), TernDnsRecords.FetchSrvOwner(descriptor.Domain));
        Assert.Equal(srv[0]!["zone_line"].Text(), TernDnsRecords.FormatNotifySrvZoneLine(descriptor.Domain, Srv(srv[0]!), srv[0]!["ttl"].Int32()));
        Assert.Equal(srv[1]!["zone_line"].Text(), TernDnsRecords.FormatFetchSrvZoneLine(descriptor.Domain, Srv(srv[1]!), srv[1]!["ttl"].Int32()));
        foreach (var record in srv)
        {
            Assert.Equal(Srv(record!).ToZoneLine(record!["owner"].Text(), record["ttl"].Int32()), record["zone_line"].Text());
        }
    }

    [Fact]
    public void Descriptor_document_verifies_and_decodes_to_its_fields()
    {
        var vector = VectorDocument.Load("descriptor.json");
        var dns = vector["dns"]!;
        var txt = TernDnsRecords.ParseTxtValue(dns["txt_value"].Text());
        Assert.True(txt.IsValid, txt.ToString());
        Assert.Equal([Bytes32.Parse(dns["fingerprint"].Text())], txt.Fingerprints);

        var document = Encoding.UTF8.GetBytes(vector["document"].Text());
        var now = DateTimeOffset.FromUnixTimeSeconds(vector["verify_at"].Int64());
        var verification = SignedDescriptor.Verify(document, vector["domain"].Text(), now, txt.Fingerprints);

        Assert.True(verification.IsValid, verification.ToString());
        var descriptor = verification.Descriptor;
        var fields = vector["descriptor"]!;
        Assert.Equal(fields["version"].Int32(), descriptor.Version);
        Assert.Equal(fields["domain"].Text(), descriptor.Domain);
        Assert.Equal(Bytes32.Parse(fields["signing_key"].Text()), descriptor.SigningKey);
        Assert.Equal(Bytes32.Parse(fields["agreement_key"].Text()), descriptor.AgreementKey);
        Assert.Equal(fields["protocols"].Strings(), descriptor.Protocols);
        Assert.Equal(fields["notify"].Strings(), descriptor.Notify);
        Assert.Equal(fields["fetch"].Strings(), descriptor.Fetch);
        Assert.Equal(Bytes32.Parse(fields["tls_cert_sha256"].Text()), descriptor.TlsCertSha256);
        Assert.Equal(fields["max_transit_seconds"].Int32(), descriptor.MaxTransitSeconds);
        Assert.Equal(fields["escrow"].Boolean(), descriptor.Escrow);
        Assert.Equal(fields["gateway"].Boolean(), descriptor.Gateway);
        Assert.Equal(fields["issued_at"].Int64(), descriptor.IssuedAt.ToUnixTimeSeconds());
        Assert.Equal(fields["expires_at"].Int64(), descriptor.ExpiresAt.ToUnixTimeSeconds());
        Assert.Null(descriptor.Ledger);

        // The signed bytes carry exactly the listed fields, and the signature is over them with the §6.2 label.
        using (var signed = System.Text.Json.JsonDocument.Parse(document))
        {
            var descriptorBytes = Base64Url.DecodeFromChars(signed.RootElement.GetProperty("descriptor").GetString());
            Assert.Equal(vector["descriptor_hex"].Hex(), descriptorBytes);
            Assert.True(JsonNode.DeepEquals(fields, JsonNode.Parse(descriptorBytes)));
            Assert.Equal(vector["signature"].Hex(), Base64Url.DecodeFromChars(signed.RootElement.GetProperty("signature").GetString()));
            Assert.True(Ed25519.Verify(Base64Url.DecodeFromChars(fields["signing_key"].Text()), [.. "tern/v1/descriptor\n"u8, .. descriptorBytes], vector["signature"].Hex()));
        }

        // verify_at is what makes it valid: at expires_at the same document is refused.
        var expired = SignedDescriptor.Verify(document, vector["domain"].Text(), DateTimeOffset.FromUnixTimeSeconds(fields["expires_at"].Int64()), txt.Fingerprints);
        Assert.Equal(DescriptorFailure.Expired, expired.Failure);
    }

    /// <summary>a.example's key set: the descriptor's signing seed with keys.json's agreement secret.</summary>
    private static DomainKeySet DescriptorKeys(JsonNode vector)
    {
        using var fromKeysFile = VectorDocument.DomainKeys(vector["domain"].Text());
        return DomainKeySet.FromSecrets(vector["domain"].Text(), vector["signing_seed"].Hex(), fromKeysFile.AgreementKey.Export(NSec.Cryptography.KeyBlobFormat.RawPrivateKey), DateTimeOffset.UnixEpoch);
    }

    private static SrvRecord Srv(JsonNode record)
        => new((ushort)record["priority"].Int32(), (ushort)record["weight"].Int32(), (ushort)record["port"].Int32(), record["target"].Text());
}
