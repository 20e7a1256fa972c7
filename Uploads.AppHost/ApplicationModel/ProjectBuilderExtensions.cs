namespace Uploads.AppHost.ApplicationModel;

public static class ProjectBuilderExtensions
{
    public static ProjectResource AddProject(this DistributedApplicationBuilder builder, string name, string assemblyPath, string dockerfile) =>
        builder.AddResource(new ProjectResource(name, assemblyPath, dockerfile, builder.Options.PortFor(name)));
}
