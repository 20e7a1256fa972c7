namespace Uploads.AppHost.ApplicationModel;

public static class ResourceBuilderExtensions
{
    /// <summary>Starts <paramref name="resource"/> only once <paramref name="dependency"/> is running.</summary>
    public static T WaitFor<T>(this T resource, Resource dependency) where T : Resource
    {
        resource.Annotate(new WaitAnnotation(dependency));
        return resource;
    }
}
