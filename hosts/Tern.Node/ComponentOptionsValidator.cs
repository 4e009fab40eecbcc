using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Tern.Node;

/// <summary>
/// Validates a component's options with the component's own rules (its <c>Validate</c>, the one place each rule lives)
/// and turns a refusal into a <see cref="TernConfigurationException"/> naming the configuration key and its value.
/// Runs at start (<c>ValidateOnStart</c>), so a bad value refuses start instead of failing on first use.
/// </summary>
internal sealed partial class ComponentOptionsValidator<T> : IValidateOptions<T>
    where T : class
{
    private readonly string _section;
    private readonly Action<T> _validate;

    public ComponentOptionsValidator(string section, Action<T> validate)
    {
        _section = section;
        _validate = validate;
    }

    public ValidateOptionsResult Validate(string? name, T options)
    {
        try
        {
            _validate(options);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            var property = FindProperty(e);
            var value = property is null ? null : Format(property.GetValue(options));
            throw new TernConfigurationException($"{_section}:{property?.Name ?? "?"}", value, Rule(e), e);
        }

        return ValidateOptionsResult.Success;
    }

    /// <summary>The component's message without its ArgumentException suffix ("(Parameter 'x')").</summary>
    private static string Rule(Exception e) => e is ArgumentException { ParamName: not null } argument
        ? argument.Message.Replace($" (Parameter '{argument.ParamName}')", "", StringComparison.Ordinal)
        : e.Message;

    /// <summary>The property the message is about: "TypeOptions.Name", "TypeOptions: Name", the parameter name, or the first property named.</summary>
    private static PropertyInfo? FindProperty(Exception e)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var match = QualifiedName().Match(e.Message);
        var candidates = new List<string>();
        if (match.Success)
        {
            candidates.Add(match.Groups[1].Value);
        }

        if (e is ArgumentException { ParamName: { } parameter })
        {
            candidates.Add(parameter);
        }

        foreach (var candidate in candidates)
        {
            var property = properties.FirstOrDefault(p => p.Name == candidate);
            if (property is not null)
            {
                return property;
            }
        }

        // The earliest property named anywhere in the message.
        return properties
            .Select(p => (Property: p, At: Regex.Match(e.Message, $@"\b{p.Name}\b", RegexOptions.CultureInvariant)))
            .Where(x => x.At.Success)
            .OrderBy(x => x.At.Index)
            .Select(x => x.Property)
            .FirstOrDefault();
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable items => string.Join(",", items.Cast<object>()),
        _ => value.ToString(),
    };

    [GeneratedRegex(@"\b\w+Options(?:\.|:\s*)(\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedName();
}
