namespace Tern.Engine.Discovery;

/// <summary>A signed descriptor document as fetched (not yet verified), or why none came.</summary>
public readonly struct DescriptorDownload
{
    private DescriptorDownload(DescriptorDownloadStatus status, ReadOnlyMemory<byte> body, int statusCode, TimeSpan? maxAge, string? detail)
    {
        Status = status;
        Body = body;
        StatusCode = statusCode;
        MaxAge = maxAge;
        Detail = detail;
    }

    /// <summary>How the fetch ended.</summary>
    public DescriptorDownloadStatus Status { get; }

    /// <summary>The response body when <see cref="Status"/> is <see cref="DescriptorDownloadStatus.Ok"/>.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The HTTP status code, 0 when no response came.</summary>
    public int StatusCode { get; }

    /// <summary>The response's <c>Cache-Control: max-age</c>, when it gave one: another bound on how long the answer is kept.</summary>
    public TimeSpan? MaxAge { get; }

    /// <summary>What went wrong, for logs.</summary>
    public string? Detail { get; }

    /// <summary>A 200 response's body.</summary>
    public static DescriptorDownload Ok(ReadOnlyMemory<byte> body, TimeSpan? maxAge = null) => new(DescriptorDownloadStatus.Ok, body, 200, maxAge, null);

    /// <summary>A fetch that gave no document.</summary>
    public static DescriptorDownload Fail(DescriptorDownloadStatus status, string detail, int statusCode = 0)
    {
        if (status == DescriptorDownloadStatus.Ok)
        {
            throw new ArgumentException("A failed download cannot be Ok.", nameof(status));
        }

        return new DescriptorDownload(status, default, statusCode, null, detail);
    }
}
