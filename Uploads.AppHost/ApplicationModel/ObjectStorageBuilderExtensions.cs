namespace Uploads.AppHost.ApplicationModel;

public static class ObjectStorageBuilderExtensions
{
    public static ObjectStorageResource AddObjectStorage(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new ObjectStorageResource(name, builder.Options.PortFor(name), AppHostPaths.StorageServerDirectory));
}
