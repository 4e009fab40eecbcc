using System.Text.Json;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// The checks the serializer does not report by reason, run before it sees signed JSON (docs/PROTOCOL.md §6.2):
/// one well-formed object, no comments or trailing commas, valid UTF-8 in every string, bounded nesting, and no
/// property named twice in any object. A duplicate would let two readers see two different descriptors behind
/// one signature, so it is refused even for fields this code ignores. It also reports which members of the top-level
/// object are <c>null</c>: the serializer reads those as absent, but §6.1 makes <c>null</c> invalid for a known field.
/// </summary>
internal static class StrictJson
{
    private const int MaxReportedNameLength = 64;

    /// <summary><see cref="DescriptorFailure.None"/> when <paramref name="json"/> passes; otherwise the reason and a detail.</summary>
    public static DescriptorFailure Check(ReadOnlySpan<byte> json, out string? detail) => Check(json, null, out detail);

    /// <summary>
    /// <see cref="Check(ReadOnlySpan{byte}, out string?)"/>, adding to <paramref name="nullMembers"/> (when given) the name of
    /// every member of the top-level object whose value is <c>null</c>.
    /// </summary>
    public static DescriptorFailure Check(ReadOnlySpan<byte> json, HashSet<string>? nullMembers, out string? detail)
    {
        detail = null;
        string? member = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            // Above MaxJsonDepth so that this check, not the reader, reports the depth.
            MaxDepth = 64,
        });

        // One entry per open container: the names seen so far for an object, null for an array.
        var open = new Stack<HashSet<string>?>(DescriptorLimits.MaxJsonDepth);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                detail = "the document is not a JSON object";
                return DescriptorFailure.NotJson;
            }

            do
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (open.Count >= DescriptorLimits.MaxJsonDepth)
                        {
                            detail = $"nested deeper than {DescriptorLimits.MaxJsonDepth}";
                            return DescriptorFailure.TooDeep;
                        }

                        open.Push(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        // Compared unescaped: "a" and "\u0061" are the same name to every reader.
                        var name = reader.GetString()!;
                        member = open.Count == 1 ? name : null;
                        if (!open.Peek()!.Add(name))
                        {
                            detail = name.Length <= MaxReportedNameLength ? name : name[..MaxReportedNameLength];
                            return DescriptorFailure.DuplicateProperty;
                        }

                        break;
                    case JsonTokenType.String:
                        // Transcoding validates UTF-8 and escaped surrogates; the reader alone does not.
                        _ = reader.GetString();
                        break;
                    case JsonTokenType.Null when open.Count == 1 && member is not null:
                        nullMembers?.Add(member);
                        break;
                }
            }
            while (reader.Read());
        }
        catch (JsonException error)
        {
            detail = error.Message;
            return DescriptorFailure.NotJson;
        }
        catch (InvalidOperationException error)
        {
            detail = error.Message;
            return DescriptorFailure.NotJson;
        }

        if (open.Count != 0)
        {
            detail = "the document ends inside an object";
            return DescriptorFailure.NotJson;
        }

        return DescriptorFailure.None;
    }
}
