using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;

namespace Uploads.Tests.Api;

public sealed class ConfirmRequestValidatorTests
{
    static readonly UploadOptions Options = new() { MaxFilesPerConfirmation = 3 };

    [Fact]
    public void Valid_files_come_back_in_order()
    {
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };

        var (files, errors) = ConfirmRequestValidator.Validate(
            new ConfirmUploadsRequest([new UploadedFile(ids[0], 1), new UploadedFile(ids[1], 0)]), Options);

        Assert.Empty(errors);
        Assert.Equal([new ConfirmedUpload(ids[0], 1), new ConfirmedUpload(ids[1], 0)], files);
    }

    [Fact]
    public void More_files_than_allowed_is_invalid()
    {
        var (files, errors) = ConfirmRequestValidator.Validate(
            new ConfirmUploadsRequest([.. Enumerable.Range(0, 4).Select(_ => new UploadedFile(Guid.NewGuid(), 1))]), Options);

        Assert.Empty(files);
        Assert.Contains("files", errors.Keys);
    }

    [Fact]
    public void Every_bad_entry_is_reported_by_its_index()
    {
        var id = Guid.NewGuid();

        var (files, errors) = ConfirmRequestValidator.Validate(
            new ConfirmUploadsRequest([new UploadedFile(id, 1), new UploadedFile(id, 1), null]), Options);

        Assert.Empty(files);
        Assert.Equal(["files[1].file_id", "files[2].file_id", "files[2].file_size"], errors.Keys.Order());
    }
}
