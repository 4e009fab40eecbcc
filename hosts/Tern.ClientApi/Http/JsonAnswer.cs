using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tern.ClientApi.Http;

/// <summary>
/// The client API's JSON answers, each serialized before it is written so it goes out with its Content-Length in one
/// send. <c>Results.Json</c> serializes into the response as it goes and flushes, which on HTTP/1.1 makes the body
/// chunked: an answer went out as two sends (the headers and the chunk, then the closing <c>0\r\n\r\n</c> when the
/// request completed), and the client waited for the second before it had the whole answer.
/// </summary>
internal static class JsonAnswer
{
    /// <summary>The value with the surface's JSON options (the web defaults), as <c>Results.Json(value)</c> writes it.</summary>
    public static JsonAnswer<T> Of<T>(T value, int statusCode = StatusCodes.Status200OK) => new(value, null, statusCode);

    /// <summary>The value with its source-generated contract.</summary>
    public static JsonAnswer<T> Of<T>(T value, JsonTypeInfo<T> typeInfo, int statusCode = StatusCodes.Status200OK) => new(value, typeInfo, statusCode);
}

/// <summary>One JSON answer (<see cref="JsonAnswer"/>).</summary>
internal sealed class JsonAnswer<T>(T value, JsonTypeInfo<T>? typeInfo, int statusCode) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public int? StatusCode => statusCode;

    public string ContentType => JsonContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var contract = typeInfo ?? (JsonTypeInfo<T>)SurfaceOptions(httpContext).GetTypeInfo(typeof(T));
        var body = JsonSerializer.SerializeToUtf8Bytes(value, contract);
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = JsonContentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    private static JsonSerializerOptions SurfaceOptions(HttpContext httpContext) =>
        httpContext.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions ?? JsonSerializerOptions.Web;
}
