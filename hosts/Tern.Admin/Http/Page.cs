using Microsoft.AspNetCore.Http;

namespace Tern.Admin.Http;

/// <summary>The <c>limit</c> query parameter of an inspection route: 1 to <see cref="AdminOptions.MaxPageLimit"/>.</summary>
internal static class Page
{
    /// <summary>The limit asked for (the default when absent), or a problem naming <c>limit</c>.</summary>
    public static IResult? TryLimit(string? text, int fallback, out int limit)
    {
        limit = fallback;
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > AdminOptions.MaxPageLimit)
        {
            return AdminProblems.Field("limit", $"limit must be a whole number from 1 to {AdminOptions.MaxPageLimit}");
        }

        return null;
    }
}
