using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using MessagePack;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Tern.ClientApi.Http;

/// <summary>Encodings shared by the routes: times, and JSON or MessagePack for the bulk responses.</summary>
internal static class Wire
{
    public const string MessagePackType = "application/msgpack";

    /// <summary>MessagePack as the routes read and write it: standard resolvers, hardened for bytes from the network.</summary>
    public static readonly MessagePackSerializerOptions MessagePackOptions = StandardResolver.Options.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>RFC 3339 in UTC with milliseconds, as every time on the wire is written.</summary>
    public static string Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>JSON, or MessagePack when the client's <c>Accept</c> names <c>application/msgpack</c> (docs/CLIENT-API.md, "Encodings").</summary>
    public static IResult Bulk<T>(HttpRequest request, T value) => WantsMessagePack(request) ? new MessagePackResult<T>(value) : JsonAnswer.Of(value);

    /// <summary>As <see cref="Bulk{T}(HttpRequest, T)"/>, the JSON source-generated.</summary>
    public static IResult Bulk<T>(HttpRequest request, T value, JsonTypeInfo<T> json) => WantsMessagePack(request) ? new MessagePackResult<T>(value) : JsonAnswer.Of(value, json);

    public static bool WantsMessagePack(HttpRequest request)
    {
        foreach (var header in request.Headers.Accept)
        {
            if (header is not null && MediaTypeHeaderValue.TryParseList([header], out var types))
            {
                foreach (var type in types)
                {
                    if (type.MediaType.Equals(MessagePackType, StringComparison.OrdinalIgnoreCase) && type.Quality is not 0)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private sealed class MessagePackResult<T> : IResult
    {
        private readonly T _value;

        public MessagePackResult(T value) => _value = value;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = MessagePackType;
            await MessagePackSerializer.SerializeAsync(httpContext.Response.Body, _value, MessagePackOptions, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
