using System.Security.Cryptography;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using Microsoft.Extensions.Options;
using NetVips;
using Uploads.Domain.Derivatives;
using Image = NetVips.Image;
using GeoLocation = Uploads.Domain.Derivatives.GeoLocation;

namespace Uploads.Worker.Derivatives;

/// <summary>A thumbnail made in memory, before it is stored: its description and its bytes.</summary>
public sealed record MadeThumbnail(Thumbnail Description, byte[] Content);

/// <summary>What libvips made of a file, or why it made nothing.</summary>
public sealed record ImageDerivation(FileMetadata? Metadata, IReadOnlyList<MadeThumbnail> Thumbnails, string? Refusal)
{
    public static ImageDerivation Refused(string reason) => new(null, [], reason);
}

/// <summary>
/// Thumbnails and metadata of a picture or a PDF on local disk, through libvips (NetVips) and MetadataExtractor. The
/// header is read first and judged (format, pixels) before a single pixel is decoded; thumbnails are made with libvips'
/// shrink-on-load, turned upright by their EXIF orientation and written without any metadata, under a time limit.
/// </summary>
public sealed class ImageDerivatives(IOptions<DerivativesOptions> options, TimeProvider clock, ILogger<ImageDerivatives> logger)
{
    static readonly Dictionary<string, string> FormatsByLoader = new()
    {
        ["jpegload"] = "jpeg",
        ["pngload"] = "png",
        ["webpload"] = "webp",
        ["gifload"] = "gif",
        ["heifload"] = "heif",
        ["pdfload"] = "pdf",
    };

    /// <summary>The libvips loaders left open (with their file, buffer and source forms); every other one is blocked.</summary>
    public static readonly IReadOnlyList<string> OpenLoaders =
        ["VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp", "VipsForeignLoadNsgif", "VipsForeignLoadHeif", "VipsForeignLoadPdf"];

    readonly DerivativesOptions options = options.Value;

    /// <summary>Blocks every loader but <see cref="OpenLoaders"/> and turns libvips' operation cache off, once per process.</summary>
    public static void ConfigureLibvips()
    {
        Operation.Block("VipsForeignLoad", true);
        foreach (var loader in OpenLoaders)
        {
            Operation.Block(loader, false);
        }

        // Each file is read once: a cache of operations would only hold decoded pixels of files long done.
        Cache.Max = 0;
        Cache.MaxFiles = 0;
        Cache.MaxMem = 0;
    }

    /// <summary>Reads <paramref name="path"/> and makes its thumbnails; blocking and CPU-bound, so callers run it off the request path.</summary>
    public ImageDerivation Make(string path, CancellationToken cancellationToken)
    {
        using var timeLimit = new CancellationTokenSource(options.TimeLimit, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeLimit.Token);
        try
        {
            return MakeWithin(path, either.Token);
        }
        catch (Exception ex) when ((ex is VipsException or OperationCanceledException) && timeLimit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ImageDerivation.Refused($"{DerivativesFailureReasons.TimeLimit}: stopped after {options.TimeLimit.TotalSeconds:0.#} s");
        }
        catch (VipsException ex)
        {
            cancellationToken.ThrowIfCancellationRequested();
            logger.LogWarning("libvips could not read a file: {Message}", ex.Message);
            return ImageDerivation.Refused($"{DerivativesFailureReasons.Unreadable}: the content is truncated or malformed");
        }
    }

    ImageDerivation MakeWithin(string path, CancellationToken cancellationToken)
    {
        string loader;
        int width, height;
        int? orientation, pages;
        try
        {
            using var header = Image.NewFromFile(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated);
            loader = (string)header.Get("vips-loader");
            (width, height) = (header.Width, header.Height);
            orientation = header.Contains("orientation") ? (int)header.Get("orientation") : null;
            pages = header.Contains("n-pages") ? (int)header.Get("n-pages") : null;
        }
        catch (VipsException ex) when (ex.Message.Contains("not a known file format", StringComparison.Ordinal)
            || ex.Message.Contains("operation is blocked", StringComparison.Ordinal))
        {
            return ImageDerivation.Refused($"{DerivativesFailureReasons.UnsupportedFormat}: not JPEG, PNG, WebP, GIF, HEIF or PDF");
        }

        if (!FormatsByLoader.TryGetValue(loader, out var format))
        {
            return ImageDerivation.Refused($"{DerivativesFailureReasons.UnsupportedFormat}: read by {loader}");
        }

        if ((long)width * height > options.MaxPixels)
        {
            return ImageDerivation.Refused(
                $"{DerivativesFailureReasons.TooManyPixels}: {width} × {height} pixels, over the limit of {options.MaxPixels:N0}");
        }

        var thumbnails = MakeThumbnails(path, cancellationToken);
        var exif = format is "jpeg" or "png" or "webp" or "heif" ? ReadExif(path) : default;
        var metadata = new FileMetadata(
            width, height, orientation is >= 1 and <= 8 ? orientation : null, format, format == "pdf" ? pages : null,
            exif.Camera, exif.TakenAt, exif.Location);
        return new ImageDerivation(metadata, thumbnails, null);
    }

    /// <summary>
    /// The largest thumbnail from the file (libvips shrinks on load and turns it upright), held in memory, and each smaller
    /// one from it: the source is decoded once, in one sequential pass. Saved with no metadata at all (<c>strip</c>), so
    /// no EXIF or GPS leaves here.
    /// </summary>
    List<MadeThumbnail> MakeThumbnails(string path, CancellationToken cancellationToken)
    {
        var sizes = DerivativeSources.ThumbnailSizes.OrderDescending().ToList();
        using var largest = Image.Thumbnail(path, sizes[0], height: sizes[0], size: Enums.Size.Down, failOn: Enums.FailOn.Truncated);
        largest.SetProgress(NoProgress.Instance, cancellationToken);
        using var resident = largest.CopyMemory();
        var made = new List<MadeThumbnail> { Save(resident, sizes[0], cancellationToken) };
        foreach (var size in sizes.Skip(1))
        {
            using var smaller = resident.ThumbnailImage(size, height: size, size: Enums.Size.Down);
            made.Add(Save(smaller, size, cancellationToken));
        }

        made.Reverse();
        return made;
    }

    MadeThumbnail Save(Image thumbnail, int size, CancellationToken cancellationToken)
    {
        using var flat = thumbnail.HasAlpha() && options.Format == "jpeg" ? thumbnail.Flatten(background: [255, 255, 255]) : null;
        var image = flat ?? thumbnail;
        image.SetProgress(NoProgress.Instance, cancellationToken);
        var bytes = image.WriteToBuffer(options.Format == "webp" ? ".webp" : ".jpg", new VOption { { "Q", options.Quality }, { "strip", true } });
        cancellationToken.ThrowIfCancellationRequested();
        var contentType = options.Format == "webp" ? "image/webp" : "image/jpeg";
        return new MadeThumbnail(
            new Thumbnail(size, image.Width, image.Height, contentType, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))),
            bytes);
    }

    /// <summary>Camera, time and place from EXIF; a malformed EXIF block is left out, it does not fail the thumbnails.</summary>
    (string? Camera, DateTime? TakenAt, GeoLocation? Location) ReadExif(string path)
    {
        try
        {
            var directories = ImageMetadataReader.ReadMetadata(path);
            var main = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
            var camera = FileMetadata.Text(string.Join(' ', new[] { main?.GetString(ExifDirectoryBase.TagMake), main?.GetString(ExifDirectoryBase.TagModel) }
                .Where(part => !string.IsNullOrWhiteSpace(part))));
            DateTime? takenAt = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault() is { } sub
                && sub.TryGetDateTime(ExifDirectoryBase.TagDateTimeOriginal, out var original)
                ? DateTime.SpecifyKind(original, DateTimeKind.Unspecified)
                : null;
            var location = directories.OfType<GpsDirectory>().FirstOrDefault()?.GetGeoLocation() is { IsZero: false } gps
                && double.IsFinite(gps.Latitude) && double.IsFinite(gps.Longitude) && Math.Abs(gps.Latitude) <= 90 && Math.Abs(gps.Longitude) <= 180
                ? new GeoLocation(Math.Round(gps.Latitude, 6), Math.Round(gps.Longitude, 6))
                : null;
            return (camera, takenAt, location);
        }
        catch (Exception ex) when (ex is ImageProcessingException or IOException or ArgumentException or InvalidOperationException)
        {
            logger.LogInformation("EXIF left out: {Message}", ex.Message);
            return default;
        }
    }

    sealed class NoProgress : IProgress<int>
    {
        public static readonly NoProgress Instance = new();

        public void Report(int value)
        {
        }
    }
}
