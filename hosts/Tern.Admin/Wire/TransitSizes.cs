namespace Tern.Admin.Wire;

/// <summary>The transit store's sizes.</summary>
/// <param name="LiveBytes">Live bytes (each blob once).</param>
/// <param name="MaxBytes">Its cap (<c>Tern:Transit:MaxBytes</c>; 0 for none).</param>
/// <param name="Blobs">Blobs in the index.</param>
/// <param name="Deliveries">Deliveries in the index.</param>
/// <param name="Commits">Journal group commits since start.</param>
public sealed record TransitSizes(long LiveBytes, long MaxBytes, int Blobs, int Deliveries, long Commits);
