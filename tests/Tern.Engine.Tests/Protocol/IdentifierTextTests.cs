using FsCheck.Fluent;
using Tern.Engine.Protocol;

namespace Tern.Engine.Tests.Protocol;

/// <summary>
/// The text form of 32-byte identifiers (docs/PROTOCOL.md §2.3, §7): 43 characters of canonical base64url. Every parser
/// of it answers true with the one value that formats back to the same text, or false; none throws, whatever the input.
/// </summary>
public sealed class IdentifierTextTests
{
    private static readonly string A42 = new('A', 42);

    /// <summary>
    /// 43 characters each, so only the decoder can refuse them: the base64url decoder of the BCL throws on these
    /// (non-zero trailing bits, characters outside the alphabet, padding, whitespace inside).
    /// </summary>
    public static TheoryData<string> DecoderTraps() => new()
    {
        A42 + "B",
        A42 + "/",
        A42 + "+",
        "+" + A42,
        A42 + ".",
        new string('A', 40) + "%2B",
        new string('A', 41) + "==",
        A42 + "=",
        A42 + " ",
        " " + A42,
        new string('A', 21) + "\t" + new string('A', 21),
        A42 + "\u00e9",
        A42 + "\0",
    };

    [Theory]
    [MemberData(nameof(DecoderTraps))]
    public void Text_the_decoder_throws_on_is_refused_by_every_identifier(string text)
    {
        Assert.Equal(43, text.Length);
        Assert.False(Bytes32.TryParse(text, out var bytes));
        Assert.Equal(default, bytes);
        Assert.False(FetchCapability.TryParse(text, out _));
        Assert.False(MessageId.TryParse(text, out _));
        Assert.False(RecipientHash.TryParse(text, out _));
        Assert.Contains("base64url", Assert.Throws<FormatException>(() => Bytes32.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_single_character_substitution_of_a_valid_value_parses_canonically_or_is_refused()
    {
        var valid = Bytes32.Random().ToString().ToCharArray();
        var accepted = 0;
        for (var position = 0; position < valid.Length; position++)
        {
            var original = valid[position];
            for (var c = 0; c <= char.MaxValue; c++)
            {
                valid[position] = (char)c;
                if (Bytes32.TryParse(valid, out var value))
                {
                    Assert.Equal(new string(valid), value.ToString());
                    accepted++;
                }
            }

            valid[position] = original;
        }

        // 64 letters of the alphabet at each of the first 42 places; at the last, the 16 whose two unused bits are zero.
        Assert.Equal((42 * 64) + 16, accepted);
    }

    [Fact]
    public void Random_text_never_throws_and_round_trips_when_accepted()
    {
        const string Pool = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.% \t\r\n\0\u00e9\u0100\ud800\uffff";
        var character = Gen.Elements(Pool.ToCharArray());
        var gen = Gen.OneOf(Gen.Choose(0, 90).SelectMany(n => Gen.ArrayOf(character, n)), Gen.ArrayOf(character, Bytes32.TextLength));
        Hostile.Check(gen, chars =>
        {
            var ok = Bytes32.TryParse(chars, out var value);
            if (ok)
            {
                Assert.Equal(new string(chars), value.ToString());
            }

            // The identifiers are the same parser under their own names.
            Assert.Equal(ok, FetchCapability.TryParse(chars, out var capability));
            Assert.Equal(ok, MessageId.TryParse(chars, out var message));
            Assert.Equal(ok, RecipientHash.TryParse(chars, out var recipient));
            Assert.Equal(value, capability.Value);
            Assert.Equal(value, message.Value);
            Assert.Equal(value, recipient.Value);
        });
    }

    [Fact]
    public void Mutated_valid_text_never_throws()
    {
        var valid = System.Text.Encoding.Latin1.GetBytes(Bytes32.Random().ToString());
        Hostile.Check(Hostile.Mutations(valid), bytes =>
        {
            var text = System.Text.Encoding.Latin1.GetString(bytes);
            if (Bytes32.TryParse(text, out var value))
            {
                Assert.Equal(text, value.ToString());
            }
        });
    }
}
