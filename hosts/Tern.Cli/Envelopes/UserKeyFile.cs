using System.Security.Cryptography;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;
using Key = NSec.Cryptography.Key;

namespace Tern.Cli.Envelopes;

/// <summary>
/// A user's key file from <c>tern keys new</c>: the X25519 secret on the first line, the Ed25519 seed on the second
/// (base64), mode 0600. Its public halves are what the domain signs into the user's key record (docs/PROTOCOL.md §14.2).
/// </summary>
internal sealed class UserKeyFile : IDisposable
{
    private readonly byte[] _agreementSecret;
    private readonly byte[]? _signingSeed;

    private UserKeyFile(byte[] agreementSecret, byte[]? signingSeed)
    {
        _agreementSecret = agreementSecret;
        _signingSeed = signingSeed;
        Span<byte> key = stackalloc byte[32];
        X25519.PublicKeyFromSecret(agreementSecret, key);
        AgreementPublic = new Bytes32(key);
        if (signingSeed is not null)
        {
            Ed25519.PublicKeyFromSeed(signingSeed, key);
            SigningPublic = new Bytes32(key);
        }
    }

    public Bytes32 SigningPublic { get; }

    public Bytes32 AgreementPublic { get; }

    /// <summary>The fingerprint of this key pair (§14.2): what the domain must publish for the user.</summary>
    public Bytes32 Fingerprint => UserKeyRecord.ComputeFingerprint(SigningPublic, AgreementPublic);

    public ReadOnlySpan<byte> AgreementSecret => _agreementSecret;

    /// <summary>
    /// Reads <paramref name="path"/>; <paramref name="option"/> names the flag in errors. With
    /// <paramref name="agreementOnly"/> a key file of the first format (the X25519 secret alone) is enough: it opens
    /// messages but cannot sign them.
    /// </summary>
    public static UserKeyFile Load(string path, string option, bool agreementOnly = false)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{option} {path}: no such file", ExitCodes.Usage);
        }

        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        var agreement = new byte[32];
        var seed = new byte[32];
        if (lines.Length >= 1 && Convert.TryFromBase64String(lines[0].Trim(), agreement, out var a) && a == 32)
        {
            if (lines.Length >= 2 && Convert.TryFromBase64String(lines[1].Trim(), seed, out var b) && b == 32)
            {
                return new UserKeyFile(agreement, seed);
            }

            if (agreementOnly && lines.Length == 1)
            {
                return new UserKeyFile(agreement, null);
            }
        }

        throw new CliException($"{option} {path}: not a user key file with an X25519 secret and an Ed25519 seed (make one with 'tern keys new')", ExitCodes.Usage);
    }

    /// <summary>The signing key, for one envelope; the caller disposes it.</summary>
    public Key SigningKey() => _signingSeed is { } seed ? Ed25519.ImportSeed(seed)
        : throw new CliException("this key file holds no signing key (it predates signed envelopes): make a new one with 'tern keys new'", ExitCodes.Usage);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_agreementSecret);
        CryptographicOperations.ZeroMemory(_signingSeed);
    }
}
