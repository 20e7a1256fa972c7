namespace Uploads.AppHost.ApplicationModel;

/// <summary>A .NET project of this solution: run from its build output locally, built from its Dockerfile when published.</summary>
public sealed class ProjectResource(string name, string assemblyPath, string dockerfile, int port) : Resource(name)
{
    public int Port { get; } = port;
    public string AssemblyPath { get; } = assemblyPath;
    public string Dockerfile { get; } = dockerfile;
    public string Url => $"http://127.0.0.1:{Port}";
    public override string Kind => "project";
    public override string Endpoint => Url;

    /// <summary>Whether the deployment publishes its HTTP endpoint (the API), or keeps it inside (the worker's health checks).</summary>
    public bool HasExternalHttpEndpoints => Annotations.OfType<ExternalHttpEndpointsAnnotation>().Any();

    /// <summary>The variables this project is given, the last one set for a name winning.</summary>
    public IReadOnlyDictionary<string, EnvironmentValue> EnvironmentVariables =>
        Annotations.OfType<EnvironmentAnnotation>()
            .GroupBy(variable => variable.Name)
            .ToDictionary(variables => variables.Key, variables => variables.Last().Value);

    public ProjectResource WithReference(IResourceWithConnectionString resource) =>
        WithEnvironment($"ConnectionStrings__{resource.Name}", new ConnectionStringReference(resource));

    public ProjectResource WithEnvironment(string name, EnvironmentValue value)
    {
        Annotate(new EnvironmentAnnotation(name, value));
        return this;
    }

    public ProjectResource WithExternalHttpEndpoints()
    {
        Annotate(new ExternalHttpEndpointsAnnotation());
        return this;
    }
}
