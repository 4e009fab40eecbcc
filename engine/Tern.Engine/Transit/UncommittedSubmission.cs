namespace Tern.Engine.Transit;

/// <summary>A submission whose bytes are written and whose journal entry awaits the group commit.</summary>
internal sealed class UncommittedSubmission
{
    public UncommittedSubmission(BlobEntry blob, BucketLog bucket, long bucketReservation, QuotaReservation quota)
    {
        Blob = blob;
        Bucket = bucket;
        BucketReservation = bucketReservation;
        Quota = quota;
    }

    public BlobEntry Blob { get; }

    public BucketLog Bucket { get; }

    public long BucketReservation { get; }

    public QuotaReservation Quota { get; }
}
