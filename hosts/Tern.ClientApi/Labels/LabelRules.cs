namespace Tern.ClientApi.Labels;

/// <summary>What a label may be (docs/C2S.md §8): 1–64 bytes of UTF-8, no control characters, no '/' at either end.</summary>
internal static class LabelRules
{
    public const int MaxBytes = 64;
    public const int MaxPerMessage = 32;
    public const int MaxPerUser = 1000;
    public const string Inbox = "inbox";

    public static bool IsValid(string? label)
    {
        if (string.IsNullOrEmpty(label) || System.Text.Encoding.UTF8.GetByteCount(label) > MaxBytes || label[0] == '/' || label[^1] == '/')
        {
            return false;
        }

        foreach (var c in label)
        {
            if (char.IsControl(c) || char.IsSurrogate(c) && !char.IsHighSurrogate(c) && !char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
