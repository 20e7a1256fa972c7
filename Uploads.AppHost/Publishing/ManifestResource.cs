using System.Text.Json.Serialization;

using Uploads.AppHost.Resources;

namespace Uploads.AppHost.Publishing;

/// <summary>
/// One resource of Aspire's manifest (<c>container.v0</c>, <c>project.v0</c>, <c>value.v0</c>, <c>parameter.v0</c>;
/// a project becomes <c>dockerfile.v0</c> when read), with the field names Aspire writes. Values may hold expressions such as
/// <c>{postgres.bindings.tcp.host}</c>, which a deployment tool resolves.
/// </summary>
public sealed record ManifestResource
{
    public required string Type { get; init; }
    public string? Image { get; init; }

    /// <summary><c>container.v0</c>: the program to run instead of the image's own entry point.</summary>
    public string? Entrypoint { get; init; }

    /// <summary><c>dockerfile.v0</c>: the Dockerfile, relative to the manifest.</summary>
    public string? Path { get; init; }

    /// <summary><c>dockerfile.v0</c>: the build context, relative to the manifest.</summary>
    public string? Context { get; init; }

    public string? ConnectionString { get; init; }

    /// <summary><c>parameter.v0</c>: <c>{name.inputs.value}</c>.</summary>
    public string? Value { get; init; }

    public Dictionary<string, ParameterInput>? Inputs { get; init; }
    public List<string>? Args { get; init; }
    public Dictionary<string, string>? Env { get; init; }
    public Dictionary<string, ManifestBinding>? Bindings { get; init; }
    public List<ManifestVolume>? Volumes { get; init; }
    public List<ManifestBindMount>? BindMounts { get; init; }

    /// <summary>What a container orchestrator needs beyond Aspire's manifest: health check, start order, restarts.</summary>
    [JsonIgnore]
    public DeploymentHints Deployment { get; init; } = new();
}
