using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Uploads.Infrastructure.Storage;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Storage;

/// <summary>
/// When browsers reach the storage at another address than the services (a public host in front of MinIO), the URLs
/// they get are signed for that address: a signature covers the host, so rewriting a signed URL would break it.
/// </summary>
public sealed class PublicEndpointTests(UploadsStack stack)
{
    [Fact]
    public async Task Part_urls_and_upload_forms_are_signed_for_the_public_endpoint_and_the_storage_accepts_them()
    {
        var internalEndpoint = StorageConnection.Parse(stack.Resources.Storage.ConnectionString).Endpoint;
        // Another name for the same server, standing in for a public host.
        var publicEndpoint = new UriBuilder(internalEndpoint) { Host = internalEndpoint.Host == "localhost" ? "127.0.0.1" : "localhost" }.Uri;
        using var services = StorageServices(publicEndpoint);
        var storage = services.GetRequiredService<ObjectStorage>();
        using var http = new HttpClient();
        var expires = DateTimeOffset.UtcNow.AddMinutes(10);

        var partKey = $"tests/public-endpoint/{Guid.NewGuid():N}";
        var uploadId = await storage.StartMultipartUploadAsync(partKey, "application/octet-stream", CancellationToken.None);
        var partUrl = await storage.PresignPartAsync(partKey, uploadId, 1, 1024, expires);
        using var part = await http.PutAsync(partUrl, new ByteArrayContent(UploadsClient.RandomBytes(1024)));

        Assert.Equal(publicEndpoint.Host, partUrl.Host);
        Assert.True(part.IsSuccessStatusCode, $"PUT to the public part URL answered {part.StatusCode}: {await part.Content.ReadAsStringAsync()}");
        // s3rver does not check signatures, MinIO and S3 do: check it here, as they would for the host the browser calls.
        var secretKey = StorageConnection.Parse(stack.Resources.Storage.ConnectionString).SecretKey;
        Assert.True(SigV4.IsValidFor(partUrl, "PUT", secretKey, contentLength: 1024), $"{partUrl} is not signed for {partUrl.Authority}");
        Assert.False(SigV4.IsValidFor(new UriBuilder(partUrl) { Host = internalEndpoint.Host }.Uri, "PUT", secretKey, contentLength: 1024));
        // The part's length is signed: a PUT of another length does not match the signature S3 and MinIO check.
        Assert.False(SigV4.IsValidFor(partUrl, "PUT", secretKey, contentLength: 1025));

        var formKey = $"tests/public-endpoint/{Guid.NewGuid():N}";
        var form = await storage.CreateUploadFormAsync(formKey, "text/plain", 0, 1000, expires);
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in form.Fields)
        {
            content.Add(new StringContent(value), name);
        }

        content.Add(new ByteArrayContent("hello"u8.ToArray()), "file", "hello.txt");
        using var posted = await http.PostAsync(form.Url, content);

        Assert.Equal(publicEndpoint.Host, form.Url.Host);
        Assert.True(posted.IsSuccessStatusCode, $"POST to the public form URL answered {posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
        Assert.Equal(5, await storage.GetSizeAsync(formKey, CancellationToken.None));
    }

    ServiceProvider StorageServices(Uri publicEndpoint)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:storage"] = stack.Resources.Storage.ConnectionString,
            ["Storage:Bucket"] = UploadsStack.Bucket,
            ["Storage:PublicEndpoint"] = publicEndpoint.ToString(),
        });
        builder.AddObjectStorage();
        return builder.Services.BuildServiceProvider();
    }
}

/// <summary>Checks a presigned URL's AWS Signature Version 4 (query form, unsigned payload), as S3 and MinIO do.</summary>
static class SigV4
{
    /// <param name="contentLength">The Content-Length the request sends, which the signature covers when the URL signs it.</param>
    public static bool IsValidFor(Uri url, string method, string secretKey, long? contentLength = null)
    {
        var query = url.Query.TrimStart('?').Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => Uri.UnescapeDataString(pair.Length > 1 ? pair[1] : ""));
        var signedHeaders = query["X-Amz-SignedHeaders"];
        var canonicalHeaders = signedHeaders switch
        {
            "host" => $"host:{url.Authority}\n",
            "content-length;host" when contentLength is { } length => $"content-length:{length}\nhost:{url.Authority}\n",
            _ => null,
        };
        if (canonicalHeaders is null)
        {
            return false;
        }

        var canonicalQuery = string.Join('&', query
            .Where(p => p.Key != "X-Amz-Signature")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{Encode(p.Key)}={Encode(p.Value)}"));
        var canonicalRequest = string.Join('\n',
            method, url.AbsolutePath, canonicalQuery, canonicalHeaders, signedHeaders, "UNSIGNED-PAYLOAD");
        var credential = query["X-Amz-Credential"].Split('/');
        var (date, region, service) = (credential[1], credential[2], credential[3]);
        var scope = string.Join('/', date, region, service, "aws4_request");
        var stringToSign = string.Join('\n',
            "AWS4-HMAC-SHA256", query["X-Amz-Date"], scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { date, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(query["X-Amz-Signature"]));
    }

    /// <summary>SigV4's URI encoding: everything but A–Z, a–z, 0–9, '-', '.', '_' and '~', as %XX in upper case.</summary>
    static string Encode(string value) => string.Concat(Encoding.UTF8.GetBytes(value).Select(b =>
        char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' ? ((char)b).ToString() : $"%{b:X2}"));
}
