using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;

namespace Uploads.Tests.Api;

public sealed class UploadRequestValidatorTests
{
    static readonly UploadOptions Options = new() { MaxFileBytes = 1000, AllowedContentTypes = ["text/*", "application/pdf"] };

    [Theory]
    [InlineData("orders.csv", "text/csv")]
    [InlineData("report.PDF", "application/pdf")]
    [InlineData("notes.txt", "text/plain")]
    public void The_content_type_defaults_from_the_extension(string filename, string expected)
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest(filename, null, null, null, null), Options);

        Assert.Equal(UploadRejection.None, validation.Rejection);
        Assert.Equal(expected, validation.Upload!.ContentType);
    }

    [Theory]
    [InlineData("naïve résumé – 2026.txt")]
    [InlineData("日本語のファイル.txt")]
    [InlineData("a")]
    [InlineData("..hidden.txt")]
    public void Unicode_and_odd_but_harmless_names_are_accepted(string filename)
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest(filename, null, "text/plain", null, null), Options);

        Assert.Equal(UploadRejection.None, validation.Rejection);
        Assert.Equal(filename, validation.Upload!.Filename);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("dir/file.txt")]
    [InlineData("dir\\file.txt")]
    [InlineData("tab\there.txt")]
    [InlineData("line\nbreak.txt")]
    public void Unsafe_or_empty_names_are_invalid(string? filename)
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest(filename, null, "text/plain", null, null), Options);

        Assert.Equal(UploadRejection.Invalid, validation.Rejection);
        Assert.Contains("filename", validation.Errors.Keys);
    }

    [Fact]
    public void An_uppercase_digest_is_accepted_and_stored_in_lowercase()
    {
        var digest = new string('A', 64);

        var validation = UploadRequestValidator.Validate(new UploadRequest("a.txt", null, null, null, digest), Options);

        Assert.Equal(new string('a', 64), validation.Upload!.Sha256);
    }

    [Fact]
    public void A_size_over_the_maximum_is_too_large_not_invalid()
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest("a.txt", null, null, 1001, null), Options);

        Assert.Equal(UploadRejection.TooLarge, validation.Rejection);
    }

    [Fact]
    public void The_size_limit_is_inclusive()
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest("a.txt", null, null, 1000, null), Options);

        Assert.Equal(UploadRejection.None, validation.Rejection);
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("application/zip")]
    public void A_content_type_outside_the_allow_list_is_unsupported(string contentType)
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest("a.bin", null, contentType, null, null), Options);

        Assert.Equal(UploadRejection.UnsupportedContentType, validation.Rejection);
    }

    [Theory]
    [InlineData("text/*")]
    [InlineData("*/*")]
    [InlineData("text")]
    [InlineData("text/csv; charset")]
    public void Wildcard_or_malformed_content_types_are_invalid(string contentType)
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest("a.csv", null, contentType, null, null), Options);

        Assert.Equal(UploadRejection.Invalid, validation.Rejection);
    }

    [Fact]
    public void Content_type_parameters_are_kept_and_the_family_is_what_the_allow_list_checks()
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest("a.csv", null, "Text/CSV; charset=utf-8", null, null), Options);

        Assert.Equal("text/csv; charset=utf-8", validation.Upload!.ContentType);
    }

    [Theory]
    [InlineData("report.CSV", UploadRejection.None)]
    [InlineData("notes.txt", UploadRejection.None)]
    [InlineData("script.sh", UploadRejection.UnsupportedContentType)]
    [InlineData("no-extension", UploadRejection.UnsupportedContentType)]
    public void An_extension_allow_list_when_configured_is_enforced_without_case(string filename, UploadRejection expected)
    {
        var options = new UploadOptions { AllowedExtensions = [".csv", ".txt"], AllowedContentTypes = ["*/*"] };

        var validation = UploadRequestValidator.Validate(new UploadRequest(filename, null, "text/plain", null, null), options);

        Assert.Equal(expected, validation.Rejection);
    }

    [Theory]
    [InlineData(null, UploadMethod.Post)]
    [InlineData("POST", UploadMethod.Post)]
    [InlineData("PUT", UploadMethod.Put)]
    public void The_method_is_POST_unless_PUT_is_asked(string? method, UploadMethod expected)
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest("a.txt", null, null, 10, null, method), Options);

        Assert.Equal(expected, validation.Upload!.Method);
    }

    [Theory]
    [InlineData("put")]
    [InlineData("DELETE")]
    [InlineData("PUT\r\nX-Injected: 1")]
    [InlineData("")]
    public void Any_other_method_is_refused(string method)
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest("a.txt", null, null, 10, null, method), Options);

        Assert.Equal(UploadRejection.Invalid, validation.Rejection);
        Assert.Contains("method", validation.Errors.Keys);
    }

    [Fact]
    public void A_PUT_needs_the_size_it_signs()
    {
        var validation = UploadRequestValidator.Validate(new UploadRequest("a.txt", null, null, null, null, "PUT"), Options);

        Assert.Equal(UploadRejection.Invalid, validation.Rejection);
        Assert.Contains("size", validation.Errors.Keys);
    }

    [Fact]
    public void A_deployment_may_make_PUT_the_default()
    {
        var options = new UploadOptions { MaxFileBytes = 1000, AllowedContentTypes = ["text/*"], DefaultUploadMethod = "PUT" };

        Assert.Equal(UploadMethod.Put, UploadRequestValidator.Validate(new UploadRequest("a.txt", null, null, 10, null), options).Upload!.Method);
    }
}
