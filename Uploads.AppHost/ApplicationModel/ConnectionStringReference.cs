namespace Uploads.AppHost.ApplicationModel;

public sealed record ConnectionStringReference(IResourceWithConnectionString Resource) : EnvironmentValue
{
    public override string Resolve() => Resource.ConnectionString;
    public override string Expression => $"{{{Resource.Name}.connectionString}}";
}
