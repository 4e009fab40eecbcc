using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Tern.Node;

/// <summary>
/// <c>Tern:WellKnown</c> read again from the node's configuration when it changes (the settings file is watched by
/// <c>tern run</c>). Read apart from <c>IOptionsMonitor</c> on purpose: a monitor validates inside the reload callback,
/// where a bad edit would throw on the file watcher's thread; here a bad edit is one refused read, and the descriptor
/// served before stays.
/// </summary>
internal sealed class WellKnownSource
{
    private readonly IConfiguration _configuration;

    public WellKnownSource(IConfiguration configuration) => _configuration = configuration;

    /// <summary>The section as it is now, validated; <see cref="TernConfigurationException"/> names a bad key.</summary>
    public WellKnownOptions Read()
    {
        var options = new WellKnownOptions();
        TernOptionsBinding.Bind(_configuration, TernSections.WellKnown, options);
        new ComponentOptionsValidator<WellKnownOptions>(TernSections.WellKnown, o => o.Validate()).Validate(null, options);
        return options;
    }

    /// <summary>Calls <paramref name="changed"/> after each change of the configuration; dispose to stop.</summary>
    public IDisposable OnChange(Action changed) => ChangeToken.OnChange(_configuration.GetReloadToken, changed);
}
