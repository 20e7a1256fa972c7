namespace Uploads.Api.Batches;

public static class BatchesExtensions
{
    /// <summary>Batches of uploads; they use the uploads' services and options, and the file event streams' notifications.</summary>
    public static IHostApplicationBuilder AddBatches(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BatchUploads>();
        builder.Services.AddSingleton<BatchCatalog>();
        builder.Services.AddSingleton<BatchEvents>();
        return builder;
    }
}
