namespace Tern.Engine.Transit;

/// <summary>One blob of <see cref="TransitStore.SubmitManyAsync"/>: what is submitted and its bytes, held whole in memory.</summary>
/// <param name="Request">As for <see cref="TransitStore.SubmitAsync"/>; a <see cref="SubmissionRequest.DeclaredSize"/>, when given, must be the content's length.</param>
/// <param name="Content">The blob's bytes; the store does not keep the memory after the call returns.</param>
public readonly record struct SubmissionItem(SubmissionRequest Request, ReadOnlyMemory<byte> Content);
