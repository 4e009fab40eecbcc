using Tern.Engine.Bulk;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Bulk;

/// <summary>
/// The descriptor's optional <c>bulk</c> field (docs/PROTOCOL.md §6.1, §17.1): a gateway's bulk endpoints. Absent in
/// descriptors from before it, which still verify; present, a list under the §6.1 list rules; never <c>null</c>.
/// </summary>
public sealed class DescriptorBulkFieldTests : IDisposable
{
    private readonly DescriptorFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void A_descriptor_without_the_field_verifies_and_has_no_bulk_port()
    {
        var result = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(_fixture.Fields())));

        Assert.True(result.IsValid, result.ToString());
        Assert.Null(result.Descriptor!.Bulk);
    }

    [Fact]
    public void The_field_is_read_as_written_and_signed_after_the_others()
    {
        var fields = DescriptorFixture.With(_fixture.Fields(), "bulk", "[\"udp://gw.a.example:7404\",\"udp://[2001:db8::1]:7404\"]");

        var result = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(fields)));

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(["udp://gw.a.example:7404", "udp://[2001:db8::1]:7404"], result.Descriptor!.Bulk);
        var signed = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(DescriptorFixture.Split(SignedDescriptor.Sign(result.Descriptor, _fixture.Keys)).Descriptor));
        Assert.EndsWith(",\"bulk\":[\"udp://gw.a.example:7404\",\"udp://[2001:db8::1]:7404\"]}", signed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"udp://gw.a.example:7404\"")]
    [InlineData("[null]")]
    [InlineData("[7404]")]
    [InlineData("[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]")]
    public void A_bulk_field_breaking_a_6_1_rule_is_invalid_and_named(string rawValue)
    {
        var result = DescriptorFixture.Verify(_fixture.SignRaw(DescriptorFixture.Json(DescriptorFixture.With(_fixture.Fields(), "bulk", rawValue))));

        Assert.False(result.IsValid);
        Assert.StartsWith("bulk", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("udp://gw.a.example:7404", "gw.a.example", 7404)]
    [InlineData("udp://127.0.0.1:9", "127.0.0.1", 9)]
    [InlineData("udp://[::1]:7404", "::1", 7404)]
    public void An_entry_names_a_host_and_a_port(string entry, string host, int port)
    {
        Assert.True(DescriptorBulkPeers.TryParse(entry, out var parsedHost, out var parsedPort));
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("tern+tcp://gw.a.example:7404")]
    [InlineData("udp://gw.a.example")]
    [InlineData("udp://gw.a.example:7404/path")]
    [InlineData("gw.a.example:7404")]
    public void Anything_else_is_no_bulk_address(string entry) => Assert.False(DescriptorBulkPeers.TryParse(entry, out _, out _));
}
