using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Tern.Admin;

/// <summary>
/// The OpenAPI document the admin surface serves at <c>/openapi/admin.json</c> (committed as <c>docs/admin-api.openapi.json</c>,
/// which a test compares with what is served): titled, with the bearer scheme every route requires, and no server list.
/// </summary>
internal static class AdminOpenApi
{
    public const string DocumentName = "admin";
    public const string Path = "/openapi/{documentName}.json";

    public static IServiceCollection AddAdminOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Tern admin API",
                Version = "v1",
                Description = "The node operator's routes (docs/OPERATIONS.md, \"The admin API\"). Every route takes 'Authorization: Bearer <admin token>'.",
            };
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
            {
                ["bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The admin token, keys/admin.token (`tern admin token`)." },
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            return Task.CompletedTask;
        }));
}
