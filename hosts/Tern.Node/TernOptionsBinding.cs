using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tern.Node;

/// <summary>Binds one options class from its section, refusing unknown keys and values of the wrong type by name.</summary>
internal static class TernOptionsBinding
{
    public static OptionsBuilder<T> AddTernOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, Action<T> validate)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new ComponentOptionsValidator<T>(section, validate));
        return services.AddOptions<T>()
            .Configure(options => Bind(configuration, section, options))
            .ValidateOnStart();
    }

    /// <summary>Binds <paramref name="options"/>; a key the class lacks (a typo) or a value that does not convert refuses start.</summary>
    public static void Bind<T>(IConfiguration configuration, string section, T options)
        where T : class
    {
        try
        {
            configuration.GetSection(section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the value ("Failed to convert configuration value '…' at
            // 'Tern:Transit:ChunkSize' to type 'System.Int32'", or the unknown properties of the section).
            throw new TernConfigurationException($"configuration {section} is invalid: {e.Message}", e);
        }
    }
}
