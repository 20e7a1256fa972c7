using Microsoft.AspNetCore.StaticFiles;
using Uploads.Infrastructure.Storage;

namespace Uploads.Api.Page;

public static class UploadPageExtensions
{
    /// <summary>
    /// The upload page at <c>/</c> and the Uppy page at <c>/uppy/</c>, from <c>wwwroot</c>, under a Content-Security-Policy:
    /// their own scripts, styles and workers only (WebAssembly compiled from them: hash-wasm), requests to this API and to
    /// the storage they upload to, no frames, no plug-ins, no form posts elsewhere.
    /// </summary>
    public static WebApplication UseUploadPage(this WebApplication app)
    {
        var storageOrigin = app.Services.GetRequiredService<ObjectStorage>().PublicOrigin;
        var policy = $"default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
            $"connect-src 'self' {storageOrigin}; " +
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file =>
            {
                file.Context.Response.Headers.XContentTypeOptions = "nosniff";
                if (file.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    file.Context.Response.Headers.ContentSecurityPolicy = policy;
                }
            },
        });
        return app;
    }
}
