using System.Text;
using Tern.Engine.Contacts;

namespace Tern.Engine.Tests.Contacts;

/// <summary>The contact plan's reader (docs/OPERATIONS.md, "Contact plans"): strict, and every refusal names contact, field and rule.</summary>
public sealed class ContactPlanReaderTests
{
    private static readonly DateTimeOffset T = ContactPlans.Start;

    [Fact]
    public void A_plan_reads_with_units_from_the_field_names_and_a_repeat_that_is_one_entry()
    {
        var plan = ContactPlans.Parse(ContactPlans.Document(
            ContactPlans.Contact("geo", "G.Example", "b.example", T, TimeSpan.FromMinutes(10), rate: 20_000_000, lightSeconds: 0.3),
            ContactPlans.Contact("mars", "g.example", "m.example", T, TimeSpan.FromSeconds(30), rate: 500_000, lightSeconds: 600, everySeconds: 60, count: 100),
            ContactPlans.Contact("lunar", "g.example", "l.example", T, TimeSpan.FromSeconds(30), lightSeconds: 1.28, everySeconds: 90)));

        Assert.Equal(3, plan.Contacts.Count);
        var geo = plan.Contacts[0];
        Assert.Equal(("geo", "g.example", "b.example", 20_000_000L, 300L, 0L, 1L), (geo.Id, geo.Source, geo.Destination, geo.RateBitsPerSecond, geo.OneWayLightTimeMs, geo.PeriodMs, geo.Cycles));
        var mars = plan.Contacts[1];
        Assert.Equal((60_000L, 100L, 600_000L), (mars.PeriodMs, mars.Cycles, mars.OneWayLightTimeMs));
        Assert.Equal(T.AddSeconds(99 * 60 + 30).ToUnixTimeMilliseconds(), mars.LastEndMs);
        Assert.Equal(ContactDefinition.Forever, plan.Contacts[2].Cycles);
    }

    public static TheoryData<string, string, string, string> Hostile => new()
    {
        // why, plan, the contact and the field the error must name
        { "rate in bytes per second", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), extra: ", \"rateBytesPerSecond\": 1000")), "contacts[0] \"c1\"", "rateBytesPerSecond" },
        { "light time without its unit", ContactPlans.Document(Replace(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30)), "oneWayLightTimeSeconds", "oneWayLightTime")), "contacts[0] \"c1\"", "oneWayLightTime" },
        { "light time in ms", ContactPlans.Document(Replace(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30)), "oneWayLightTimeSeconds", "oneWayLightTimeMs")), "contacts[0] \"c1\"", "oneWayLightTimeMs" },
        { "no rate", ContactPlans.Document(Replace(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30)), "\"rateBitsPerSecond\": 8000,", "")), "contacts[0] \"c1\"", "rateBitsPerSecond" },
        { "fractional rate", ContactPlans.Document(Replace(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30)), "8000", "8000.5")), "contacts[0] \"c1\"", "rateBitsPerSecond" },
        { "zero rate", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), rate: 0)), "contacts[0] \"c1\"", "rateBitsPerSecond" },
        { "rate as a string", ContactPlans.Document(Replace(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30)), "8000", "\"8000\"")), "contacts[0] \"c1\"", "rateBitsPerSecond" },
        { "negative light time", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), lightSeconds: -1)), "contacts[0] \"c1\"", "oneWayLightTimeSeconds" },
        { "end before start", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(-30))), "contacts[0] \"c1\"", "end" },
        { "end equal to start", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.Zero)), "contacts[0] \"c1\"", "end" },
        { "start without offset", ContactPlans.Document(Replace(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30)), "00:00:00.000Z", "00:00:00")), "contacts[0] \"c1\"", "start" },
        { "source not a domain", ContactPlans.Document(ContactPlans.Contact("c1", "g example", "b.example", T, TimeSpan.FromSeconds(30))), "contacts[0] \"c1\"", "source" },
        { "source is destination", ContactPlans.Document(ContactPlans.Contact("c1", "b.example", "B.example", T, TimeSpan.FromSeconds(30))), "contacts[0] \"c1\"", "destination" },
        { "no id", ContactPlans.Document(Replace(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30)), "\"contact\": \"c1\",", "")), "contacts[0]", "contact" },
        { "id with a space", ContactPlans.Document(ContactPlans.Contact("c 1", "g.example", "b.example", T, TimeSpan.FromSeconds(30))), "contacts[0]", "contact" },
        { "same id twice", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30)), ContactPlans.Contact("c1", "g.example", "c.example", T, TimeSpan.FromSeconds(30))), "contacts[1] \"c1\"", "contact" },
        { "field given twice", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), extra: ", \"rateBitsPerSecond\": 9000")), "contacts[0] \"c1\"", "rateBitsPerSecond" },
        { "period not longer than the window", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), everySeconds: 30)), "contacts[0] \"c1\"", "repeat.everySeconds" },
        { "count of zero", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), everySeconds: 60, count: 0)), "contacts[0] \"c1\"", "repeat.count" },
        { "period in ms", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), extra: ", \"repeat\": { \"everyMs\": 60000 }")), "contacts[0] \"c1\"", "repeat.everyMs" },
        { "overlapping single windows", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30)), ContactPlans.Contact("c2", "g.example", "b.example", T.AddSeconds(29), TimeSpan.FromSeconds(30))), "contacts[1] \"c2\"", "start" },
        { "a window inside a repeated contact's 50th", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), everySeconds: 60, count: 100), ContactPlans.Contact("c2", "g.example", "b.example", T.AddSeconds(49 * 60 + 10), TimeSpan.FromSeconds(5))), "contacts[1] \"c2\"", "start" },
        { "two repeated contacts out of phase by less than a window", ContactPlans.Document(ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), everySeconds: 60), ContactPlans.Contact("c2", "g.example", "b.example", T.AddSeconds(7 * 3600 + 20), TimeSpan.FromSeconds(20), everySeconds: 90)), "contacts[1] \"c2\"", "start" },
        { "unknown field of the plan", "{ \"contacts\": [], \"version\": 2 }", "plan", "version" },
        { "contacts not an array", "{ \"contacts\": {} }", "plan", "contacts" },
        { "no contacts field", "{}", "plan", "contacts" },
        { "not an object", "[1, 2]", "plan", "(document)" },
        { "not JSON", "{ \"contacts\": [", "plan", "(document)" },
        { "a contact that is a number", "{ \"contacts\": [ 42 ] }", "contacts[0]", "(contact)" },
        { "nested too deep", "{ \"contacts\": [ { \"contact\": \"c\", \"repeat\": [[[[[[[[[[1]]]]]]]]]] } ] }", "plan", "(document)" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_plan_is_refused_naming_the_contact_the_field_and_the_rule(string why, string json, string contact, string field)
    {
        var error = Assert.Throws<ContactPlanException>(() => ContactPlans.Parse(json));

        Assert.True((contact, field) == (error.Contact, error.Field), $"{why}: {error.Message}");
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Rule), why);
    }

    [Fact]
    public void A_wrong_unit_is_answered_with_the_unit_the_field_names_carry()
    {
        var error = Assert.Throws<ContactPlanException>(() => ContactPlans.Parse(ContactPlans.Document(
            ContactPlans.Contact("c1", "g.example", "b.example", T, TimeSpan.FromSeconds(30), extra: ", \"rateBytesPerSecond\": 1000"))));

        Assert.Contains("rateBitsPerSecond", error.Rule, StringComparison.Ordinal);
        Assert.Contains("bits per second", error.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_of_different_pairs_and_repeated_contacts_in_step_may_share_time()
    {
        // Other destinations overlap freely; two 30 s contacts every 60 s, 30 s apart, interleave and never overlap, forever.
        var plan = ContactPlans.Parse(ContactPlans.Document(
            ContactPlans.Contact("b-even", "g.example", "b.example", T, TimeSpan.FromSeconds(30), everySeconds: 60),
            ContactPlans.Contact("b-odd", "g.example", "b.example", T.AddSeconds(30), TimeSpan.FromSeconds(30), everySeconds: 120),
            ContactPlans.Contact("c", "g.example", "c.example", T, TimeSpan.FromHours(1)),
            ContactPlans.Contact("back", "b.example", "g.example", T, TimeSpan.FromHours(1))));

        Assert.Equal(4, plan.Contacts.Count);
    }

    [Fact]
    public void Mutated_plans_are_read_or_refused_with_the_one_error_type_never_anything_else()
    {
        var valid = Encoding.UTF8.GetBytes(ContactPlans.Document(
            ContactPlans.Contact("geo", "g.example", "b.example", T, TimeSpan.FromMinutes(10), rate: 20_000_000, lightSeconds: 0.3),
            ContactPlans.Contact("mars", "g.example", "m.example", T, TimeSpan.FromSeconds(30), lightSeconds: 600, everySeconds: 60, count: 100)));
        var random = new Random(17);
        var refused = 0;
        for (var i = 0; i < 3000; i++)
        {
            var mutated = (byte[])valid.Clone();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            var cut = random.Next(4) == 0 ? mutated.AsSpan(0, random.Next(mutated.Length)) : mutated;
            try
            {
                ContactPlanReader.Parse(cut);
            }
            catch (ContactPlanException)
            {
                refused++;
            }
        }

        Assert.True(refused > 1000, $"{refused} refused");
    }

    [Fact]
    public void A_missing_file_is_an_empty_plan_and_an_oversized_one_is_refused()
    {
        using var directory = new TempDirectory("contact-plan");
        Assert.Empty(ContactPlanReader.ReadFile(directory.File("contacts.json")).Contacts);

        File.WriteAllBytes(directory.File("big.json"), new byte[ContactPlanReader.MaxDocumentBytes + 1]);
        var error = Assert.Throws<ContactPlanException>(() => ContactPlanReader.ReadFile(directory.File("big.json")));
        Assert.Equal("(document)", error.Field);
    }

    private static string Replace(string text, string from, string to) => text.Replace(from, to, StringComparison.Ordinal);
}
