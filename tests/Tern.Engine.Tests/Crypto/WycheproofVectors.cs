using System.Text.Json.Nodes;

namespace Tern.Engine.Tests.Crypto;

/// <summary>
/// One Wycheproof test (github.com/C2SP/wycheproof, testvectors_v1), flattened with its group's parameters. The files
/// come from <c>shared/vectors/wycheproof/</c> beside the repository, copied next to the test assembly by the project.
/// </summary>
internal sealed record WycheproofCase(int Id, string Result, string Comment, JsonObject Test, JsonObject Group)
{
    public bool Valid => Result == "valid";

    public byte[] Hex(string name) => Convert.FromHexString(Test[name]!.GetValue<string>());

    public int GroupInt(string name) => Group[name]!.GetValue<int>();

    public override string ToString() => $"tcId {Id} ({Result}: {Comment})";

    public static IReadOnlyList<WycheproofCase> Load(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "wycheproof", file);
        Assert.True(File.Exists(path), $"{path} is missing: the Wycheproof vectors come from shared/vectors/wycheproof beside the repository");
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        var cases = new List<WycheproofCase>();
        foreach (var group in document["testGroups"]!.AsArray())
        {
            foreach (var test in group!["tests"]!.AsArray())
            {
                cases.Add(new WycheproofCase(test!["tcId"]!.GetValue<int>(), test["result"]!.GetValue<string>(),
                    test["comment"]?.GetValue<string>() ?? "", test.AsObject(), group.AsObject()));
            }
        }

        Assert.Equal(document["numberOfTests"]!.GetValue<int>(), cases.Count);
        return cases;
    }
}
