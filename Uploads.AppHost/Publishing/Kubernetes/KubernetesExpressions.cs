using Uploads.AppHost.Publishing;

namespace Uploads.AppHost.Publishing.Kubernetes;

/// <summary>
/// Resolves the manifest's expressions inside the cluster: every resource is a Service named as the resource,
/// a secret parameter is a key of the operator's Secret, read into a variable and referred to as <c>$(NAME)</c>
/// (Kubernetes expands it in env values and args), and any other parameter is a chart value.
/// </summary>
public sealed class KubernetesExpressions(IReadOnlyDictionary<string, ManifestResource> resources)
{
    /// <summary>The value of <paramref name="text"/>, and the secret parameters it reads (their variables must come first).</summary>
    public (HelmValue Value, IReadOnlyList<string> SecretParameters) Resolve(string text)
    {
        var value = new HelmValue();
        var secrets = new List<string>();
        Append(text, value, secrets);
        return (value, secrets.Distinct().ToList());
    }

    /// <summary>The container resources behind a value: <c>{uploads.connectionString}</c> → <c>postgres</c>.</summary>
    public IEnumerable<string> ContainersBehind(string text) => ManifestConnections.ContainersBehind(text, resources);

    public bool IsSecretParameter(string name) =>
        resources.TryGetValue(name, out var resource) && resource.Type == "parameter.v0" && resource.Inputs!["value"].Secret;

    /// <summary>The variable a secret parameter is read into: <c>postgres-password</c> → <c>POSTGRES_PASSWORD</c>.</summary>
    public static string SecretVariable(string parameter) => ManifestExpressions.VariableName(parameter);

    /// <summary>A parameter's key under <c>parameters</c> in values.yaml: <c>app-origin</c> → <c>appOrigin</c>.</summary>
    public static string ValuesKey(string parameter)
    {
        var words = parameter.Split('-');
        return words[0] + string.Concat(words.Skip(1).Select(word => char.ToUpperInvariant(word[0]) + word[1..]));
    }

    void Append(string text, HelmValue value, List<string> secrets)
    {
        var position = 0;
        foreach (var match in ManifestExpressions.Matches(text))
        {
            value.Append(text[position..match.Index]);
            position = match.Index + match.Length;
            var (name, property) = (match.Groups["resource"].Value, match.Groups["property"].Value);
            var resource = resources.GetValueOrDefault(name) ?? throw new InvalidOperationException($"'{match.Value}' names no resource of the manifest.");
            switch (property.Split('.'))
            {
                case ["connectionString"] when resource.ConnectionString is { } connectionString:
                    Append(connectionString, value, secrets);
                    break;
                case ["value"] when resource.Type == "annotated.string":
                    Append(resource.Value!, value, secrets);
                    break;
                case ["value"] when resource.Inputs is { } inputs && inputs["value"].Literal is { } literal:
                    value.Append(literal);
                    break;
                case ["value"] when IsSecretParameter(name):
                    secrets.Add(name);
                    value.Append($"$({SecretVariable(name)})");
                    break;
                case ["value"] when resource.Type == "parameter.v0":
                    value.AppendExpression($"(required \"set parameters.{ValuesKey(name)}: {(resource.Inputs!["value"].Description ?? name).Replace("\"", "'")}\" .Values.parameters.{ValuesKey(name)})");
                    break;
                case ["bindings", var binding, var part] when resource.Bindings?.GetValueOrDefault(binding) is { } endpoint:
                    value.Append(ManifestExpressions.Binding(name, endpoint, part, match.Value));
                    break;
                default:
                    throw new InvalidOperationException($"'{match.Value}' does not resolve: {name} has no '{property}'.");
            }
        }

        value.Append(text[position..]);
    }
}
