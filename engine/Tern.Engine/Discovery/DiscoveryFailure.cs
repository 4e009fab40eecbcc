namespace Tern.Engine.Discovery;

/// <summary>Why a domain could not be discovered (docs/DISCOVERY.md lists what an operator does about each).</summary>
public enum DiscoveryFailure : byte
{
    /// <summary>Discovered.</summary>
    None = 0,
    /// <summary>The name asked for is not a valid domain name (docs/PROTOCOL.md §2.4).</summary>
    InvalidDomain,
    /// <summary>NXDOMAIN for the TXT record and both SRV records: the domain publishes nothing under <c>_tern</c>.</summary>
    DomainNotFound,
    /// <summary>No Tern TXT record at <c>_tern.&lt;domain&gt;</c>: nothing to check a descriptor against.</summary>
    TxtMissing,
    /// <summary>The Tern TXT record is unusable: another version, a bad fingerprint, malformed (§6.3).</summary>
    TxtInvalid,
    /// <summary>No name server answered in time (and no fingerprint is remembered from earlier contact).</summary>
    DnsTimeout,
    /// <summary>A name server answered with an error or with an answer that could not be read.</summary>
    DnsFailure,
    /// <summary><c>/.well-known/tern</c> answered with a status other than 200.</summary>
    DescriptorHttpStatus,
    /// <summary><c>/.well-known/tern</c> did not answer in time.</summary>
    DescriptorTimeout,
    /// <summary>The descriptor document is larger than 16 KiB (§12).</summary>
    DescriptorTooLarge,
    /// <summary><c>/.well-known/tern</c> could not be reached: no address, connection refused, certificate refused.</summary>
    DescriptorUnreachable,
    /// <summary>The descriptor's signature does not verify with its own <c>signing_key</c> (§6.2).</summary>
    SignatureInvalid,
    /// <summary>The descriptor's signing key is not the one the TXT record (or the peers file) names (§6.2, §6.3).</summary>
    FingerprintMismatch,
    /// <summary>
    /// The descriptor announces or completes a key rotation whose cross-signature does not verify with the other signing key
    /// (docs/PROTOCOL.md §16.3): a forged or altered rotation.
    /// </summary>
    RotationSignatureInvalid,
    /// <summary>The descriptor is refused for another §6.1/§6.2 rule (JSON, a field, the domain, expiry); the detail says which.</summary>
    DescriptorInvalid,
    /// <summary>The domain is not in the static peers file and DNS discovery is off.</summary>
    NotListed,
    /// <summary>The whole lookup took longer than <see cref="DiscoveryOptions.LookupTimeout"/>.</summary>
    LookupTimeout,
    /// <summary>The lookup failed in an unexpected way (the log has the exception).</summary>
    LookupError,
}
