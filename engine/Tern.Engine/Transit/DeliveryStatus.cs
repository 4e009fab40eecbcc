namespace Tern.Engine.Transit;

/// <summary>The mutable part of a delivery's index record as the scheduler reads it (its other fields never change).</summary>
/// <param name="State">Delivery state.</param>
/// <param name="Attempt">Notification attempts recorded so far.</param>
/// <param name="NextAttemptMs">When the next notification is due, Unix ms.</param>
internal readonly record struct DeliveryStatus(DeliveryState State, int Attempt, long NextAttemptMs);
