namespace Tern.ClientApi.Labels;

/// <summary>The outcome of relabelling a message: the entry after the change, or why it was refused.</summary>
internal enum LabelChange
{
    Changed,
    Unchanged,
    NotFound,
    TooManyOnMessage,
    TooManyForUser,
}
