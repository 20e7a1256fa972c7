using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

public static class DistributedApplicationBuilderExtensions
{
    /// <summary>The model, ready to run on this machine: a runner for each resource.</summary>
    public static DistributedApplication Build(this DistributedApplicationBuilder builder) => new(builder.Options, builder.Resources);
}
