using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using NetVips;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// Pictures and documents made for a test: by libvips (the same library the worker reads them with), tagged by exiftool,
/// or written byte by byte where the point is that they are malformed (a decompression bomb, a truncated PNG).
/// </summary>
public static class TestPictures
{
    /// <summary>
    /// A 1200 × 600 JPEG, red on its left half and blue on its right, tagged with EXIF orientation 6 (turn 90° clockwise
    /// to show it), a camera, a time and a GPS position. Upright it is 600 × 1200, red on top.
    /// </summary>
    public static async Task<byte[]> SidewaysPhotoAsync()
    {
        using var red = Image.Black(600, 600, bands: 3) + new double[] { 255, 0, 0 };
        using var blue = Image.Black(600, 600, bands: 3) + new double[] { 0, 0, 255 };
        using var joined = red.Join(blue, Enums.Direction.Horizontal);
        using var picture = joined.Cast(Enums.BandFormat.Uchar);
        var path = Path.Combine(Path.GetTempPath(), $"uploads-photo-{Guid.NewGuid():N}.jpg");
        try
        {
            picture.Jpegsave(path, q: 90);
            await ExifToolAsync(path,
                "-Orientation#=6", "-Make=TestCam", "-Model=Model X", "-DateTimeOriginal=2024:05:01 12:30:00",
                "-GPSLatitude=48.8584", "-GPSLatitudeRef=N", "-GPSLongitude=2.2945", "-GPSLongitudeRef=E");
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A gradient picture of <paramref name="width"/> × <paramref name="height"/> as PNG; <paramref name="seed"/> makes its bytes unique.</summary>
    public static byte[] GradientPng(int width, int height, int seed = 0)
    {
        using var xy = Image.Xyz(width, height);
        using var scaled = xy * (255.0 / Math.Max(width, height));
        using var third = scaled.Bandjoin(Image.Black(width, height) + (seed % 256));
        using var picture = third.Cast(Enums.BandFormat.Uchar);
        return picture.PngsaveBuffer(compression: 6);
    }

    /// <summary>A valid PNG of noise, cut short halfway through its pixel data.</summary>
    public static byte[] TruncatedPng()
    {
        using var noise = Image.Gaussnoise(800, 800).Cast(Enums.BandFormat.Uchar);
        var whole = noise.PngsaveBuffer();
        return whole[..(whole.Length / 2)];
    }

    /// <summary>
    /// A well-formed PNG that declares <paramref name="width"/> × <paramref name="height"/> one-bit pixels, all zero: some
    /// hundreds of KB that would decode to gigabytes.
    /// </summary>
    public static byte[] DecompressionBombPng(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 1; // bit depth
        header[9] = 0; // greyscale
        WriteChunk(png, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + (width + 7) / 8];
            for (var y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A PDF of <paramref name="pages"/> A4 pages, each with a line of text.</summary>
    public static byte[] Pdf(int pages)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            $"<< /Type /Pages /Kids [{string.Join(' ', Enumerable.Range(0, pages).Select(i => $"{4 + 2 * i} 0 R"))}] /Count {pages} >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        for (var page = 0; page < pages; page++)
        {
            var text = $"BT /F1 48 Tf 72 700 Td (Page {page + 1}) Tj ET";
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * page} 0 R >>");
            objects.Add($"<< /Length {text.Length} >>\nstream\n{text}\nendstream");
        }

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }

        pdf.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    static void WriteChunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        png.Write(crc);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, as zlib computes it).</summary>
    static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    static async Task ExifToolAsync(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo("exiftool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Append("-overwrite_original").Append(path))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"exiftool failed: {await error}");
    }
}
