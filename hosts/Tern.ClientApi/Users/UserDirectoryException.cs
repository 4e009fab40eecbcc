namespace Tern.ClientApi.Users;

/// <summary>A request to the user directory that it refuses: a bad name or address, a duplicate, an unknown user, a full list.</summary>
public sealed class UserDirectoryException : Exception
{
    /// <summary>Creates the error.</summary>
    public UserDirectoryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    public UserDirectoryException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates an empty error (for serializers and analyzers).</summary>
    public UserDirectoryException()
        : this("refused")
    {
    }
}
