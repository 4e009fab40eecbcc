using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Tests.Protocol;

/// <summary>The TXT and SRV records of docs/PROTOCOL.md §6.3.</summary>
public sealed class DescriptorDnsRecordTests : IDisposable
{
    private readonly DescriptorFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Txt_value_round_trips_one_or_several_fingerprints()
    {
        var one = TernDnsRecords.FormatTxtValue(_fixture.Fingerprint);
        Assert.Equal($"v=tern1; fp={_fixture.Keys.Fingerprint}", one);
        var parsed = TernDnsRecords.ParseTxtValue(one);
        Assert.True(parsed.IsValid, parsed.ToString());
        Assert.Equal([_fixture.Fingerprint], parsed.Fingerprints);

        var rotation = new[] { Bytes32.Random(), _fixture.Fingerprint, Bytes32.Random() };
        var several = TernDnsRecords.ParseTxtValue(TernDnsRecords.FormatTxtValue(rotation));
        Assert.Equal(rotation, several.Fingerprints);
        Assert.Throws<ArgumentException>(() => TernDnsRecords.FormatTxtValue());
    }

    [Fact]
    public void Txt_fingerprints_verify_the_descriptor_end_to_end()
    {
        var txt = TernDnsRecords.FormatTxtValue(Bytes32.Random(), _fixture.Fingerprint);
        var trusted = TernDnsRecords.ParseTxtValue(txt).Fingerprints;

        Assert.True(DescriptorFixture.Verify(_fixture.Signed(), [.. trusted]).IsValid);
    }

    [Theory]
    [InlineData("v=tern1;fp={0}")]
    [InlineData("  v=tern1 ;  fp = {0} ;")]
    [InlineData("v = tern1;\tfp={0}\t")]
    [InlineData(";; v=tern1;; fp={0};;")]
    [InlineData("v=tern1; k=ed25519; fp={0}; note=a=b; x=")]
    [InlineData("v=tern1; FP=ignored-unknown-name; fp={0}")]
    public void Txt_parse_tolerates_whitespace_empty_segments_and_unknown_pairs(string template)
    {
        var parsed = TernDnsRecords.ParseTxtValue(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, _fixture.Keys.Fingerprint));

        Assert.True(parsed.IsValid, parsed.ToString());
        Assert.Equal([_fixture.Fingerprint], parsed.Fingerprints);
    }

    [Theory]
    [InlineData("", TxtRecordFailure.NotTern)]
    [InlineData("   ;  ", TxtRecordFailure.NotTern)]
    [InlineData("v=spf1 -all", TxtRecordFailure.UnsupportedVersion)]
    [InlineData("fp={0}; v=tern1", TxtRecordFailure.NotTern)]
    [InlineData("V=tern1; fp={0}", TxtRecordFailure.NotTern)]
    [InlineData("tern1; fp={0}", TxtRecordFailure.NotTern)]
    [InlineData("=tern1; fp={0}", TxtRecordFailure.NotTern)]
    [InlineData("v=tern2; fp={0}", TxtRecordFailure.UnsupportedVersion)]
    [InlineData("v=TERN1; fp={0}", TxtRecordFailure.UnsupportedVersion)]
    [InlineData("v=tern1", TxtRecordFailure.NoFingerprint)]
    [InlineData("v=tern1; other=1", TxtRecordFailure.NoFingerprint)]
    [InlineData("v=tern1; fp={0}; garbage", TxtRecordFailure.Malformed)]
    [InlineData("v=tern1; fp={0}; =x", TxtRecordFailure.Malformed)]
    [InlineData("v=tern1; v=tern1; fp={0}", TxtRecordFailure.Malformed)]
    [InlineData("v=tern1; fp=", TxtRecordFailure.BadFingerprint)]
    [InlineData("v=tern1; fp=AAAA", TxtRecordFailure.BadFingerprint)]
    [InlineData("v=tern1; fp={0}=", TxtRecordFailure.BadFingerprint)]
    [InlineData("v=tern1; fp={0}; fp=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", TxtRecordFailure.BadFingerprint)]
    [InlineData("v=tern1; fp=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", TxtRecordFailure.BadFingerprint)]
    public void Txt_parse_refuses_with_a_reason(string template, TxtRecordFailure expected)
    {
        var parsed = TernDnsRecords.ParseTxtValue(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, _fixture.Keys.Fingerprint));

        Assert.Equal(expected, parsed.Failure);
        Assert.False(parsed.IsValid);
        Assert.Empty(parsed.Fingerprints);
        Assert.NotNull(parsed.Detail);
    }

    [Fact]
    public void Default_parse_result_is_not_valid()
    {
        Assert.False(default(TxtRecordParse).IsValid);
        Assert.Empty(default(TxtRecordParse).Fingerprints);
        Assert.False(default(DescriptorVerification).IsValid);
    }

    [Fact]
    public void Zone_lines_match_the_6_3_example()
    {
        var notify = new SrvRecord(10, 10, 7400, "node.a.example");
        var fetch = new SrvRecord(10, 10, 7401, "Node.A.Example.");

        Assert.Equal("_tern._udp.a.example. 3600 IN SRV 10 10 7400 node.a.example.", TernDnsRecords.FormatNotifySrvZoneLine("a.example", notify));
        Assert.Equal("_tern._tcp.a.example. 300 IN SRV 10 10 7401 node.a.example.", TernDnsRecords.FormatFetchSrvZoneLine("A.Example", fetch, 300));
        Assert.Equal($"_tern.a.example. 3600 IN TXT \"v=tern1; fp={_fixture.Keys.Fingerprint}\"", TernDnsRecords.FormatTxtZoneLine("a.example", [_fixture.Fingerprint]));
        Assert.Equal("_tern.a.example.", TernDnsRecords.TxtOwner("a.example."));

        var zone = TernDnsRecords.FormatZone("a.example", [_fixture.Fingerprint], notify, fetch);
        var lines = zone.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("_tern.a.example. 3600 IN TXT \"v=tern1; fp=", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("_tern._udp.a.example.", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("_tern._tcp.a.example.", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_txt_value_is_split_into_255_byte_character_strings()
    {
        var fingerprints = Enumerable.Range(0, 8).Select(_ => Bytes32.Random()).ToArray();
        var value = TernDnsRecords.FormatTxtValue(fingerprints);
        Assert.True(value.Length > 255);

        var line = TernDnsRecords.FormatTxtZoneLine("a.example", fingerprints);

        var strings = line[(line.IndexOf('"', StringComparison.Ordinal) + 1)..^1].Split("\" \"");
        Assert.All(strings, s => Assert.InRange(s.Length, 1, 255));
        Assert.Equal(value, string.Concat(strings));
        Assert.Equal(fingerprints, TernDnsRecords.ParseTxtValue(string.Concat(strings)).Fingerprints);
    }

    [Fact]
    public void Srv_records_refuse_bad_targets_and_port_zero()
    {
        Assert.Throws<ArgumentException>(() => new SrvRecord(10, 10, 7400, "not a host"));
        Assert.Throws<ArgumentException>(() => new SrvRecord(10, 10, 7400, ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrvRecord(10, 10, 0, "node.a.example"));
        Assert.Throws<ArgumentException>(() => TernDnsRecords.TxtOwner("bad_name"));
        Assert.Throws<InvalidOperationException>(() => default(SrvRecord).ToZoneLine("_tern._udp.a.example."));
        Assert.Equal(new SrvRecord(1, 2, 3, "a.example"), new SrvRecord(1, 2, 3, "A.EXAMPLE"));
        Assert.NotEqual(new SrvRecord(1, 2, 3, "a.example"), new SrvRecord(1, 2, 4, "a.example"));
    }
}
