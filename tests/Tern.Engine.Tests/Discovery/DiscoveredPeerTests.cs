using Tern.Engine.Discovery;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Tests.Discovery;

public sealed class DiscoveredPeerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_pull_descriptor_with_doors_from_srv_keeps_the_rotations_previous_key_for_its_window()
    {
        var previous = Bytes32.Random();
        var descriptor = new DomainDescriptor
        {
            Domain = "a.example",
            SigningKey = Bytes32.Random(),
            AgreementKey = Bytes32.Random(),
            Protocols = ["tern/1"],
            Notify = ["udp://node.a.example:7400"],
            Fetch = ["tern+tcp://node.a.example:7401"],
            MaxTransitSeconds = 86_400,
            IssuedAt = Now,
            ExpiresAt = Now.AddDays(1),
            PreviousSigningKey = Bytes32.Random(),
            PreviousAgreementKey = previous,
            RotatesAt = Now.AddHours(-1),
            PreviousUntil = Now.AddDays(6),
            RotationSignature = new byte[64],
        };
        var peer = new DiscoveredPeer
        {
            Domain = "a.example",
            Descriptor = descriptor,
            FetchDoors = ["tern+tcp://node.a.example:7401", "tern+tcp://srv.a.example:7402"],
            Fingerprints = [],
        };

        var pull = peer.PullDescriptor();

        Assert.Equal(peer.FetchDoors, pull.Fetch);
        Assert.True(pull.NamesAgreementKey(previous, Now));
        Assert.Equal(descriptor.PreviousUntil, pull.PreviousUntil);
        Assert.Equal(descriptor.RotationSignature?.Length, pull.RotationSignature?.Length);
    }
}
