namespace Uploads.AppHost.Hosting;

/// <summary>
/// A value a project is given: resolved when it starts (run mode), or written into the manifest as an Aspire
/// expression such as <c>{uploads.connectionString}</c> or <c>{token-signing-key.value}</c> (publish mode).
/// </summary>
public abstract record EnvironmentValue
{
    /// <summary>The value itself, for a process the AppHost starts.</summary>
    public abstract string Resolve();

    /// <summary>The value as the manifest writes it, to be resolved by whatever deploys it.</summary>
    public abstract string Expression { get; }

    public static implicit operator EnvironmentValue(string literal) => new LiteralValue(literal);
}

public sealed record LiteralValue(string Value) : EnvironmentValue
{
    public override string Resolve() => Value;
    public override string Expression => Value;
}

public sealed record ConnectionStringReference(IResourceWithConnectionString Resource) : EnvironmentValue
{
    public override string Resolve() => Resource.ConnectionString;
    public override string Expression => $"{{{Resource.Name}.connectionString}}";
}

/// <summary>
/// A value the deployment supplies (Aspire's <c>parameter.v0</c>): a secret such as a password, or a setting such as a
/// public URL. It exists only in publish mode; the generated files name it and never hold its value.
/// </summary>
public sealed record ParameterResource(string Name, bool Secret, string Description) : EnvironmentValue
{
    public override string Resolve() => throw new InvalidOperationException($"The parameter '{Name}' has a value only in a deployment.");
    public override string Expression => $"{{{Name}.value}}";
}
