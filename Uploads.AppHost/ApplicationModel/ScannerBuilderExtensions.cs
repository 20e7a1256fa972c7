namespace Uploads.AppHost.ApplicationModel;

public static class ScannerBuilderExtensions
{
    public static ScannerResource AddScanner(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new ScannerResource(name, builder.Options.PortFor(name)));
}
