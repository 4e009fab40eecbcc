namespace Tern.ClientApi.Http;

/// <summary>A request body ran past its limit while it streamed.</summary>
internal sealed class BodyTooLargeException : IOException
{
    public BodyTooLargeException()
        : base("the request body is longer than the limit")
    {
    }
}
