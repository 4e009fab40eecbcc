namespace Tern.Engine.Transit;

/// <summary>
/// What one blob of <see cref="TransitStore.SubmitManyAsync"/> came to: acknowledged (durable), or refused with the
/// exception <see cref="TransitStore.SubmitAsync"/> would have thrown for it alone.
/// </summary>
public readonly record struct SubmissionOutcome(SubmissionResult? Result, Exception? Error);
