using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Tern.ClientApi;

/// <summary>
/// The OpenAPI document the API serves at <c>/openapi/v1.json</c> (committed as <c>docs/client-api.openapi.json</c>,
/// which a test compares with what is served): titled, with the bearer scheme every route requires, and no server list
/// (the bound port differs per node and per test run).
/// </summary>
internal static class ClientApiOpenApi
{
    public const string DocumentName = "v1";
    public const string Path = "/openapi/{documentName}.json";

    public static IServiceCollection AddClientApiOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Tern client API",
                Version = DocumentName,
                Description = "The routes a domain's users' clients call on their own node (docs/CLIENT-API.md). Every route takes 'Authorization: Bearer <token>'.",
            };
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
            {
                ["bearer"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "The user's token, issued by `tern user add`." },
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            return Task.CompletedTask;
        }));
}
