namespace Uploads.Api.Files;

public static class FilesServiceExtensions
{
    public static IHostApplicationBuilder AddFileUploads(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<UploadOptions>()
            .BindConfiguration(UploadOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FileUploads>();
        return builder;
    }
}
