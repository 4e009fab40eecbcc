namespace Tern.Load.Flood;

/// <summary>What one flood run asks for (bench/run-flood.sh passes each).</summary>
/// <param name="CapacityCount">Sealed notifications put in the stopped node's socket to measure its capacity.</param>
/// <param name="FloodSeconds">Longest the flood lasts (it also stops at <c>Multiple</c> × capacity × this many datagrams).</param>
/// <param name="Multiple">The flood's rate as a multiple of the measured capacity.</param>
/// <param name="LegitimatePerSecond">The legitimate peer's notifications a second.</param>
/// <param name="IdleSeconds">Length of the idle phase the flood's figures are set beside.</param>
/// <param name="ReceiveBufferBytes">The node's <c>Tern:Udp:ReceiveBufferBytes</c>.</param>
/// <param name="NiceIncrement">The node's <c>Tern:Udp:ReceiveThreadNiceIncrement</c>.</param>
internal sealed record FloodSettings(int CapacityCount, double FloodSeconds, double Multiple, double LegitimatePerSecond, double IdleSeconds, int ReceiveBufferBytes, int NiceIncrement);
