using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Uploads.Tests.Fixtures;
using Uploads.Worker.Derivatives;

namespace Uploads.Tests.Derivatives;

/// <summary>The worker's reading of pictures, on real files with Debian's libvips: its limits and what it refuses to open.</summary>
public sealed class ImageDerivativesTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("uploads-derivatives-").FullName;

    static ImageDerivativesTests() => ImageDerivatives.ConfigureLibvips();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static ImageDerivatives Reader(Action<DerivativesOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new DerivativesOptions();
        configure?.Invoke(options);
        return new ImageDerivatives(Options.Create(options), clock ?? TimeProvider.System, NullLogger<ImageDerivatives>.Instance);
    }

    string Write(byte[] content, string name)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public void A_picture_over_the_pixel_limit_is_refused_from_its_header_before_any_decoding()
    {
        var path = Write(TestPictures.GradientPng(1000, 1000), "a.png");

        var refused = Reader(o => o.MaxPixels = 999_999).Make(path, CancellationToken.None);
        var made = Reader(o => o.MaxPixels = 1_000_000).Make(path, CancellationToken.None);

        Assert.Equal("TOO_MANY_PIXELS: 1000 × 1000 pixels, over the limit of 999,999", refused.Refusal);
        Assert.Empty(refused.Thumbnails);
        Assert.Null(made.Refusal);
        Assert.Equal([200, 800], made.Thumbnails.Select(t => t.Description.Size));
    }

    [Fact]
    public void Work_over_the_time_limit_is_stopped_and_said_so()
    {
        var path = Write(TestPictures.GradientPng(6000, 6000), "slow.png");

        // A clock whose every timer is already due: the limit has passed before libvips decodes a row, whatever the load.
        var stopped = Reader(o => o.TimeLimit = TimeSpan.FromSeconds(30), new ElapsedClock()).Make(path, CancellationToken.None);

        Assert.Equal("TIME_LIMIT: stopped after 30 s", stopped.Refusal);
        Assert.Empty(stopped.Thumbnails);
    }

    [Theory]
    [InlineData("drawing.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>")]
    [InlineData("picture.pgm", "P2\n2 2\n255\n0 255\n255 0\n")]
    public void Formats_outside_the_open_loaders_are_refused_unread(string name, string content)
    {
        var refused = Reader().Make(Write(Encoding.ASCII.GetBytes(content), name), CancellationToken.None);

        Assert.StartsWith("UNSUPPORTED_FORMAT:", refused.Refusal);
    }

    [Fact]
    public void Bytes_that_are_no_picture_at_all_are_refused()
    {
        var refused = Reader().Make(Write(UploadsClient.RandomBytes(4096), "noise.jpg"), CancellationToken.None);

        Assert.StartsWith("UNSUPPORTED_FORMAT:", refused.Refusal);
    }

    [Fact]
    public void A_webp_thumbnail_is_made_when_the_worker_is_configured_for_webp()
    {
        var made = Reader(o => o.Format = "webp").Make(Write(TestPictures.GradientPng(900, 300), "wide.png"), CancellationToken.None);

        Assert.All(made.Thumbnails, t => Assert.Equal("image/webp", t.Description.ContentType));
        Assert.Equal((800, 267), (made.Thumbnails[1].Description.Width, made.Thumbnails[1].Description.Height));
        Assert.Equal("RIFF", Encoding.ASCII.GetString(made.Thumbnails[1].Content, 0, 4));
    }

    /// <summary>Time that has always already run out: each timer fires as it is made.</summary>
    sealed class ElapsedClock : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            callback(state);
            return new DoneTimer();
        }

        sealed class DoneTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
