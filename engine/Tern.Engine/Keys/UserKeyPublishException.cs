namespace Tern.Engine.Keys;

/// <summary>A key operation the user's current state does not allow (publishing over a current record, rotating or
/// revoking with none, new keys equal to the current ones); the message says which.</summary>
public sealed class UserKeyPublishException : InvalidOperationException
{
    /// <summary>A refusal with its reason.</summary>
    public UserKeyPublishException(string message)
        : base(message)
    {
    }

    /// <summary>A refusal without a reason.</summary>
    public UserKeyPublishException()
    {
    }

    /// <summary>A refusal with its reason and cause.</summary>
    public UserKeyPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
