using System.Net;
using System.Net.Http.Headers;
using NetVips;
using Uploads.Api.Reads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Derivatives;

/// <summary>Thumbnails and metadata made by the real worker with Debian's libvips, read back through the API.</summary>
public sealed class DerivativesTests(UploadsStack stack)
{
    [Fact]
    public async Task A_sideways_photo_gets_upright_thumbnails_without_EXIF_and_its_metadata()
    {
        var photo = await TestPictures.SidewaysPhotoAsync();
        var fileId = await stack.Client.UploadAndConfirmAsync(photo, "sideways.jpg");

        var file = await stack.Client.WaitForDerivativesAsync(fileId);
        Assert.Equal(FileStatus.Synced, file.Status);
        Assert.Equal(new DerivativesView("ready", null), file.Derivatives);
        var metadata = file.Metadata!;
        Assert.Equal((1200, 600, 6, "jpeg", (int?)null), (metadata.Width, metadata.Height, metadata.Orientation, metadata.Format, metadata.Pages));
        Assert.Equal("TestCam Model X", metadata.Camera);
        Assert.Equal(new DateTime(2024, 5, 1, 12, 30, 0), metadata.TakenAt);
        Assert.Equal(48.8584, metadata.Location!.Latitude, 4);
        Assert.Equal(2.2945, metadata.Location.Longitude, 4);

        Assert.Equal([200, 800], file.Thumbnails.Select(t => t.Size));
        foreach (var link in file.Thumbnails)
        {
            using var response = await stack.Client.Http.GetAsync(link.Url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("private", response.Headers.CacheControl!.ToString());
            var bytes = await response.Content.ReadAsByteArrayAsync();
            using var thumbnail = Image.NewFromBuffer(bytes);

            // Upright: half as wide as tall, the long side the size asked for, red on top and blue below.
            Assert.Equal((link.Size / 2, link.Size), (thumbnail.Width, thumbnail.Height));
            Assert.Equal((link.Width, link.Height), (thumbnail.Width, thumbnail.Height));
            AssertColour([255, 0, 0], thumbnail.Getpoint(thumbnail.Width / 2, thumbnail.Height / 8));
            AssertColour([0, 0, 255], thumbnail.Getpoint(thumbnail.Width / 2, thumbnail.Height * 7 / 8));

            // No metadata left at all: no EXIF block (with its GPS), no orientation to turn it by again.
            Assert.False(thumbnail.Contains("exif-data"));
            Assert.False(thumbnail.Contains("orientation"));
            Assert.Equal(-1, bytes.AsSpan().IndexOf("Exif\0\0"u8));

            using var again = new HttpRequestMessage(HttpMethod.Get, link.Url);
            again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            using var notModified = await stack.Client.Http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        var stranger = stack.ClientFor("another-tenant");
        using var refused = await stranger.Http.GetAsync(file.Thumbnails[0].Url);
        Assert.Equal((HttpStatusCode.NotFound, "FILE_NOT_FOUND"), (refused.StatusCode, (await Problems.ReadAsync(refused)).Code));
    }

    [Fact]
    public async Task A_PDF_gets_its_page_count_and_a_preview_of_its_first_page()
    {
        var fileId = await stack.Client.UploadAndConfirmAsync(TestPictures.Pdf(pages: 3), "three-pages.pdf");

        var file = await stack.Client.WaitForDerivativesAsync(fileId);
        Assert.Equal("ready", file.Derivatives.Status);
        Assert.Equal(("pdf", (int?)3, 595, 842), (file.Metadata!.Format, file.Metadata.Pages, file.Metadata.Width, file.Metadata.Height));
        var preview = file.Thumbnails.Single(t => t.Size == 800);
        var bytes = await stack.Client.Http.GetByteArrayAsync(preview.Url);
        using var image = Image.NewFromBuffer(bytes);
        Assert.Equal(800, image.Height);
        Assert.InRange(image.Width, 560, 570);
        // A white page with black text on it.
        Assert.True(image.Max() > 250 && image.Min() < 60, $"the preview's values run from {image.Min()} to {image.Max()}");
    }

    [Fact]
    public async Task A_decompression_bomb_fails_its_derivatives_with_a_reason_and_the_file_stays_SYNCED()
    {
        var bomb = TestPictures.DecompressionBombPng(50_000, 50_000);
        Assert.InRange(bomb.Length, 1, 1024 * 1024);
        var fileId = await stack.Client.UploadAndConfirmAsync(bomb, "bomb.png");

        var file = await stack.Client.WaitForDerivativesAsync(fileId);
        Assert.Equal(FileStatus.Synced, file.Status);
        Assert.Equal("failed", file.Derivatives.Status);
        Assert.StartsWith("TOO_MANY_PIXELS: 50000 × 50000 pixels", file.Derivatives.Reason);
        Assert.Null(file.Metadata);
        Assert.Empty(file.Thumbnails);
        Assert.Equal(bomb, await stack.Client.Http.GetByteArrayAsync($"/files/{fileId}/content"));

        using var missing = await stack.Client.Http.GetAsync($"/files/{fileId}/thumbnails/200");
        Assert.Equal((HttpStatusCode.NotFound, "THUMBNAIL_NOT_FOUND"), (missing.StatusCode, (await Problems.ReadAsync(missing)).Code));
    }

    [Fact]
    public async Task A_truncated_PNG_fails_its_derivatives_with_a_reason_and_the_file_stays_SYNCED()
    {
        var fileId = await stack.Client.UploadAndConfirmAsync(TestPictures.TruncatedPng(), "truncated.png");

        var file = await stack.Client.WaitForDerivativesAsync(fileId);
        Assert.Equal(FileStatus.Synced, file.Status);
        Assert.Equal(new DerivativesView("failed", "UNREADABLE_CONTENT: the content is truncated or malformed"), file.Derivatives);
        Assert.Empty(file.Thumbnails);
    }

    [Fact]
    public async Task A_file_that_is_not_a_picture_has_no_derivatives()
    {
        var fileId = await stack.Client.UploadAndConfirmAsync(UploadsClient.RandomBytes(2048), "data.bin");

        var file = await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);
        Assert.Equal(new DerivativesView("none", null), file.Derivatives);
        Assert.Empty(file.Thumbnails);
        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM derivatives_transitions WHERE file_id = @id", ("id", fileId)));
    }

    [Theory]
    [InlineData("300")]
    [InlineData("-200")]
    [InlineData("%E2%80%AE200")]
    [InlineData("99999999999999999999")]
    public async Task A_thumbnail_size_that_is_not_offered_is_a_validation_problem(string size)
    {
        var fileId = await stack.Client.UploadAndConfirmAsync(UploadsClient.RandomBytes(64), "small.bin");
        using var response = await stack.Client.Http.GetAsync($"/files/{fileId}/thumbnails/{size}");
        Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_FAILED"), (response.StatusCode, (await Problems.ReadAsync(response)).Code));
    }

    static void AssertColour(double[] expected, double[] actual)
    {
        for (var band = 0; band < expected.Length; band++)
        {
            Assert.InRange(actual[band], expected[band] - 40, expected[band] + 40);
        }
    }
}
