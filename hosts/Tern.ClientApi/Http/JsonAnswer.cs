using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Tern.ClientApi.Http;

/// <summary>
/// A small JSON answer serialized before it is written, so it goes out with its Content-Length in one send.
/// <c>Results.Json</c> serializes into the response as it goes, which on HTTP/1.1 makes the body chunked: the answer
/// went out as two sends (the headers and the chunk, then the closing <c>0\r\n\r\n</c> when the request completed), and
/// the client waited for the second before it had the whole answer.
/// </summary>
internal sealed class JsonAnswer : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private readonly byte[] _body;

    private JsonAnswer(byte[] body, int statusCode)
    {
        _body = body;
        StatusCode = statusCode;
    }

    public int? StatusCode { get; }

    public string ContentType => JsonContentType;

    public static JsonAnswer Create<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), statusCode);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode!.Value;
        response.ContentType = JsonContentType;
        response.ContentLength = _body.Length;
        return response.Body.WriteAsync(_body).AsTask();
    }
}
