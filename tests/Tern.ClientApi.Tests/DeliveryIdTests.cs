using System.Security.Cryptography;
using System.Text;
using Tern.ClientApi.Submissions;
using Tern.Engine.Protocol;

namespace Tern.ClientApi.Tests;

/// <summary>Delivery ids as docs/CLIENT-API.md defines them, computed here a second way from that definition.</summary>
public sealed class DeliveryIdTests
{
    [Fact]
    public void A_delivery_id_is_the_first_128_bits_of_SHA_256_over_the_label_and_the_capability_in_base64url()
    {
        for (var i = 0; i < 64; i++)
        {
            var capability = FetchCapability.NewRandom();
            var bytes = new byte[32];
            capability.Value.CopyTo(bytes);
            var expected = SHA256.HashData([.. Encoding.ASCII.GetBytes("tern/c2s/delivery"), .. bytes])[..16];

            var id = DeliveryIds.Of(capability);

            Assert.Equal(22, id.Length);
            Assert.Equal(expected, Convert.FromBase64String(id.Replace('-', '+').Replace('_', '/') + "=="));
        }
    }
}
