namespace Uploads.AppHost.ApplicationModel;

/// <summary>
/// A value the deployment supplies (Aspire's <c>parameter.v0</c>): a secret such as a password, or a setting such as a
/// public URL. It exists only in publish mode; the generated files name it and never hold its value.
/// </summary>
public sealed record ParameterResource(string Name, bool Secret, string Description) : EnvironmentValue
{
    public override string Resolve() => throw new InvalidOperationException($"The parameter '{Name}' has a value only in a deployment.");
    public override string Expression => $"{{{Name}.value}}";
}
