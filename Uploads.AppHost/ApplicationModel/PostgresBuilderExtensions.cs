namespace Uploads.AppHost.ApplicationModel;

public static class PostgresBuilderExtensions
{
    public static PostgresServerResource AddPostgres(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new PostgresServerResource(name, builder.Options.PortFor(name)));
}
