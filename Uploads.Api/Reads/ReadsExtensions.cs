namespace Uploads.Api.Reads;

public static class ReadsExtensions
{
    public static IHostApplicationBuilder AddFileReads(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FileCatalog>();
        builder.Services.AddSingleton<FileContent>();
        builder.Services.AddSingleton<ThumbnailContent>();
        return builder;
    }
}
