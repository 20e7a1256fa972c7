using Uploads.Domain.Files;

namespace Uploads.Tests.Files;

public sealed class DeclaredContentTypeTests
{
    [Theory]
    [InlineData("image/png", "image/png", false)]
    [InlineData("image/jpg", "image/jpeg", false)]
    [InlineData("image/jpeg; q=1", "image/jpeg", false)]
    [InlineData("image/bmp", "image/x-ms-bmp", false)]
    [InlineData("image/heic", "image/heif", false)]
    [InlineData("image/png", "image/gif", true)]
    [InlineData("image/png", "image/svg+xml", true)]
    [InlineData("image/png", "application/x-pie-executable", true)]
    [InlineData("application/pdf", "application/pdf", false)]
    [InlineData("application/pdf", "text/plain", true)]
    [InlineData("text/csv", "text/plain", false)]
    [InlineData("application/octet-stream", "application/zip", false)]
    public void A_declared_image_must_be_that_very_format_and_a_pdf_a_pdf(string declared, string sniffed, bool contradicted) =>
        Assert.Equal(contradicted, DeclaredContentType.IsContradictedBy(declared, sniffed));

    [Theory]
    [InlineData("image/svg+xml", true)]
    [InlineData("text/html; charset=utf-8", true)]
    [InlineData("text/xml", true)]
    [InlineData("application/xhtml+xml", true)]
    [InlineData("text/plain", false)]
    [InlineData("image/png", false)]
    [InlineData("application/json", false)]
    public void Active_content_is_what_a_browser_runs_script_in(string sniffed, bool active) =>
        Assert.Equal(active, DeclaredContentType.IsActive(sniffed));
}
