using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Uploads.Api.Uploads;

namespace Uploads.Tests.Api;

/// <summary>
/// A list set in configuration replaces its default: the configuration binder adds configured items to an array's
/// initial ones, so a default kept in the initializer could only ever be widened.
/// </summary>
public sealed class ConfiguredListsTests
{
    [Fact]
    public void A_configured_content_type_allow_list_replaces_the_default_one()
    {
        var narrowed = UploadOptionsFrom(new() { ["Uploads:AllowedContentTypes:0"] = "text/csv" });
        var unset = UploadOptionsFrom([]);

        Assert.Equal(["text/csv"], narrowed.AllowedContentTypes);
        Assert.Equal(UploadOptions.DefaultAllowedContentTypes, unset.AllowedContentTypes);
    }

    static UploadOptions UploadOptionsFrom(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddFileUploads();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<UploadOptions>>().Value;
    }
}
