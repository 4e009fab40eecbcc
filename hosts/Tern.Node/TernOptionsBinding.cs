using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tern.Node;

/// <summary>Binds one options class from its section, refusing unknown keys and values of the wrong type by name.</summary>
internal static partial class TernOptionsBinding
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/> and validates it at start; <paramref name="nested"/>
    /// names child sections another options class binds (<c>Tern:Gateway:Bulk</c> inside <c>Tern:Gateway</c>), skipped here.
    /// </summary>
    public static OptionsBuilder<T> AddTernOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, Action<T> validate, params string[] nested)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new ComponentOptionsValidator<T>(section, validate));
        return services.AddOptions<T>()
            .Configure(options => Bind(configuration, section, options, nested))
            .ValidateOnStart();
    }

    /// <summary>Binds <paramref name="options"/>; a key the class lacks (a typo) or a value that does not convert refuses start.</summary>
    public static void Bind<T>(IConfiguration configuration, string section, T options, params string[] nested)
        where T : class
    {
        if (nested.Length > 0)
        {
            // The same keys and paths without the nested sections, so that the binder's errors still name the full key.
            var prefix = section + ":";
            var kept = configuration.GetSection(section).AsEnumerable()
                .Where(pair => !nested.Any(n => pair.Key.Equals(prefix + n, StringComparison.OrdinalIgnoreCase) || pair.Key.StartsWith(prefix + n + ":", StringComparison.OrdinalIgnoreCase)));
            configuration = new ConfigurationBuilder().AddInMemoryCollection(kept).Build();
        }

        RefuseSectionsForValues<T>(configuration.GetSection(section));
        try
        {
            configuration.GetSection(section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the key of a value it cannot convert ("… at 'Tern:Transit:ChunkSize' to type
            // 'System.Int32'") or the unknown properties of the section ("… not found on the instance of type …: 'Chunk'"),
            // but not the value: look it up to name all three.
            if (ConversionKey().Match(e.Message) is { Success: true } conversion)
            {
                var key = conversion.Groups[1].Value;
                throw new TernConfigurationException(key, configuration[key], TypeRule(conversion.Groups[2].Value), e);
            }

            if (UnknownKeys().Match(e.Message) is { Success: true } unknown)
            {
                var key = $"{section}:{unknown.Groups[1].Value.Split(',')[0].Trim().Trim('\'')}";
                throw new TernConfigurationException(key, configuration[key], $"is not a setting of {section} (misspelt? docs/OPERATIONS.md lists every key)", e);
            }

            throw new TernConfigurationException($"configuration {section} is invalid: {e.Message}", e);
        }
    }

    /// <summary>
    /// A section (a JSON object or array) where the options class has a single value: the binder would skip it without a
    /// word and the node would start with the default, which is not what the operator wrote.
    /// </summary>
    private static void RefuseSectionsForValues<T>(IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            var property = typeof(T).GetProperty(child.Key, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
            if (property is null || child.Value is not null || !child.GetChildren().Any())
            {
                continue;
            }

            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal))
            {
                throw new TernConfigurationException(child.Path, "(a section)", $"must be a single {type.Name} value, not a section or a list");
            }
        }
    }

    /// <summary>"must be a Int32"; for an enum, its names, so that the operator sees what to write.</summary>
    private static string TypeRule(string typeName)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetType(typeName) is { IsEnum: true } type)
            {
                return $"must be one of {string.Join(", ", Enum.GetNames(type))}";
            }
        }

        return $"must be a {typeName.Replace("System.", "", StringComparison.Ordinal)}";
    }

    [GeneratedRegex(@"at '([^']+)' to type '([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionKey();

    [GeneratedRegex(@"were not found on the instance of [^:]+: '([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownKeys();
}
