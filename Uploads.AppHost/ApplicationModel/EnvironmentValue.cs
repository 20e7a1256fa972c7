namespace Uploads.AppHost.ApplicationModel;

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
