using System.Text;
using Tern.Engine.Protocol;
using Tern.Transports.Fetch.Http;
using Tern.Transports.Fetch.Http.Http1;

namespace Tern.Fuzz.Targets;

/// <summary>
/// A connection's input to Tern's own HTTP/1.1 door (docs/PROTOCOL.md §8.1): pipelined request heads parsed as
/// <c>Http1Connection</c> takes them (head, discarded body, next head), each turned into the door's work item (the
/// capability decoded from the path) and answered with the response plan for a 49-byte blob. An invalid head must come
/// with one of the statuses the door answers; a plan must stay inside the blob.
/// </summary>
internal sealed class Http1Target : IFuzzTarget
{
    private const int MaxHead = 8 * 1024;
    private const int MaxBody = 64 * 1024;
    private const long Size = 49;
    /// <summary>The strong ETag of the vectors' blob (its payload hash, quoted base64url).</summary>
    public static readonly string ETag = '"' + new Bytes32(Convert.FromHexString("48b6d2d58c5daa493d17616cd326da918ad6a650c0635fd07ee8aa9a7c58b9a5")).ToString() + '"';

    public string Name => "http1";

    public string Covers => "Tern's HTTP/1.1 door: Http1RequestParser.Parse over pipelined requests, Http1Work.From (path → capability), BlobResponsePlan.Make with the Range and conditional headers";

    public void Run(ReadOnlySpan<byte> input)
    {
        var rest = input;
        while (!rest.IsEmpty)
        {
            var request = default(Http1Request);
            var status = Http1RequestParser.Parse(rest, MaxHead, ref request, out var errorStatus);
            if (status == Http1ParseResult.Incomplete)
            {
                return;
            }

            if (status == Http1ParseResult.Invalid)
            {
                if (errorStatus is not (400 or 431 or 505))
                {
                    throw new FuzzContractException($"an invalid head answered {errorStatus}");
                }

                return;
            }

            if (request.HeadLength <= 0 || request.HeadLength > rest.Length || request.ContentLength < 0)
            {
                throw new FuzzContractException($"a complete head of {request.HeadLength} bytes (body {request.ContentLength}) in {rest.Length}");
            }

            if (request.ContentLength > MaxBody || rest.Length - request.HeadLength < request.ContentLength)
            {
                return;
            }

            var work = Http1Work.From(request);
            var plan = BlobResponsePlan.Make(Size, ETag, work.IfNoneMatch, work.HasRange, work.Range, work.HasIfRange, work.IfRange);
            RangeTarget.CheckPlan(plan, Size);
            rest = rest[(request.HeadLength + (int)request.ContentLength)..];
        }
    }

    public IEnumerable<Seed> Seeds(VectorSeeds vectors)
    {
        var capability = new Bytes32(VectorSeeds.Hex(vectors.File("fetch-frames.json").GetProperty("frames")[0].GetProperty("fields"), "capability")).ToString();
        var path = "/v1/blobs/" + capability;
        yield return Text("get", $"GET {path} HTTP/1.1\r\nHost: node.a.example\r\n\r\n");
        yield return Text("head-range", $"HEAD {path} HTTP/1.1\r\nHost: a\r\nRange: bytes=0-9\r\nIf-Range: {ETag}\r\n\r\n");
        yield return Text("conditional", $"GET {path} HTTP/1.1\r\nHost: a\r\nIf-None-Match: W/{ETag}, \"x\"\r\nConnection: keep-alive, close\r\n\r\n");
        yield return Text("http10-absolute", $"GET http://node.a.example{path}?q=1 HTTP/1.0\r\nConnection: keep-alive\r\nRange: bytes=-5\r\n\r\n");
        yield return Text("pipelined-body", $"\r\nGET {path} HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcPOST / HTTP/1.1\r\nHost: a\r\n\r\nGET * HTTP/1.1\r\nHost: a\r\n\r\n");
        yield return Text("bad-version", $"GET {path} HTTP/2.0\r\nHost: a\r\n\r\n");
    }

    private static Seed Text(string name, string text) => new(name, Encoding.Latin1.GetBytes(text));
}
