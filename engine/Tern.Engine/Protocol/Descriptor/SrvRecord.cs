using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// The data of one SRV record (RFC 2782) for <c>_tern._udp</c> or <c>_tern._tcp</c> (docs/PROTOCOL.md §6.3):
/// where a domain's notification endpoint or framed fetch door lives.
/// </summary>
public readonly struct SrvRecord : IEquatable<SrvRecord>
{
    /// <summary>A record pointing at <paramref name="target"/>:<paramref name="port"/>.</summary>
    /// <param name="priority">Lower is tried first.</param>
    /// <param name="weight">Share among records of equal priority.</param>
    /// <param name="port">The service port, 1–65535.</param>
    /// <param name="target">Host name of the node; validated and lower-cased, written absolute (trailing dot).</param>
    public SrvRecord(ushort priority, ushort weight, ushort port, string target)
    {
        ArgumentOutOfRangeException.ThrowIfZero(port);
        Priority = priority;
        Weight = weight;
        Port = port;
        Target = DomainName.Normalize(target);
    }

    /// <summary>Lower is tried first.</summary>
    public ushort Priority { get; }

    /// <summary>Share among records of equal priority.</summary>
    public ushort Weight { get; }

    /// <summary>The service port.</summary>
    public ushort Port { get; }

    /// <summary>Host name of the node, lower-case, without the trailing dot.</summary>
    public string Target { get; }

    /// <summary>The record as a zone-file line: <c>owner ttl IN SRV priority weight port target.</c></summary>
    public string ToZoneLine(string owner, int ttl = TernDnsRecords.DefaultTtl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(ttl);
        if (Target is null)
        {
            throw new InvalidOperationException("A default SrvRecord has no target.");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{owner} {ttl} IN SRV {Priority} {Weight} {Port} {Target}.");
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Priority} {Weight} {Port} {Target}.");

    /// <inheritdoc />
    public bool Equals(SrvRecord other)
        => Priority == other.Priority && Weight == other.Weight && Port == other.Port && string.Equals(Target, other.Target, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SrvRecord other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Priority, Weight, Port, Target);

    /// <summary>Field-wise equality.</summary>
    public static bool operator ==(SrvRecord left, SrvRecord right) => left.Equals(right);

    /// <summary>Field-wise inequality.</summary>
    public static bool operator !=(SrvRecord left, SrvRecord right) => !left.Equals(right);
}
