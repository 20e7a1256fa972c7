using System.Text.RegularExpressions;

namespace Uploads.AppHost.Publishing;

/// <summary>
/// Resolves the manifest's expressions for a container deployment where every resource is a service reachable by its
/// name: <c>{postgres.bindings.tcp.host}</c> → <c>postgres</c>, <c>{postgres-password.value}</c> → <c>${POSTGRES_PASSWORD:?…}</c>.
/// </summary>
public sealed partial class ManifestExpressions(IReadOnlyDictionary<string, ManifestResource> resources)
{
    [GeneratedRegex(@"\{(?<resource>[A-Za-z0-9_-]+)\.(?<property>[A-Za-z0-9_.]+)\}")]
    private static partial Regex ExpressionPattern();

    public static IEnumerable<Match> Matches(string text) => ExpressionPattern().Matches(text);

    public static IEnumerable<(string Resource, string Property)> References(string text) =>
        ExpressionPattern().Matches(text).Select(match => (match.Groups["resource"].Value, match.Groups["property"].Value));

    /// <summary>The variable a parameter is set by; a required one, so that a deployment cannot start without it.</summary>
    public static string Variable(string parameterName)
    {
        var name = VariableName(parameterName);
        return $"${{{name}:?set {name}, see .env.example}}";
    }

    /// <summary>The environment variable a deployment sets a parameter with: <c>token-signing-key</c> → <c>TOKEN_SIGNING_KEY</c>.</summary>
    public static string VariableName(string parameterName) => parameterName.Replace('-', '_').ToUpperInvariant();

    /// <summary>A binding's part where each resource is reached by its name, on its target port.</summary>
    public static string Binding(string resource, ManifestBinding endpoint, string part, string expression) => part switch
    {
        "host" => resource,
        "port" or "targetPort" => $"{endpoint.TargetPort}",
        "url" => $"{endpoint.Scheme}://{resource}:{endpoint.TargetPort}",
        _ => throw new InvalidOperationException($"'{expression}': a binding has host, port, targetPort and url."),
    };

    public string Resolve(string text) => ExpressionPattern().Replace(text, match =>
    {
        var name = match.Groups["resource"].Value;
        var property = match.Groups["property"].Value;
        if (!resources.TryGetValue(name, out var resource))
        {
            throw new InvalidOperationException($"'{match.Value}' names no resource of the manifest.");
        }

        return property.Split('.') switch
        {
            ["connectionString"] when resource.ConnectionString is { } connectionString => Resolve(connectionString),
            ["value"] when resource.Inputs?["value"].Literal is { } literal => literal,
            ["value"] when resource.Type == "parameter.v0" => Variable(name),
            ["value"] when resource.Type == "annotated.string" => Resolve(resource.Value!),
            ["bindings", var binding, var part] when resource.Bindings?.GetValueOrDefault(binding) is { } endpoint => Binding(name, endpoint, part, match.Value),
            _ => throw new InvalidOperationException($"'{match.Value}' does not resolve: {name} has no '{property}'."),
        };
    });
}
